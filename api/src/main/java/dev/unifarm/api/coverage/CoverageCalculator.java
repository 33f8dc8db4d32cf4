package dev.unifarm.api.coverage;

import dev.unifarm.scheduler.coverage.KernelSyscallTable;
import dev.unifarm.scheduler.coverage.SyscallOutcome;
import dev.unifarm.scheduler.coverage.SyscallProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** The report's arithmetic: predicted and observed coverage, and the outcome-by-outcome difference. */
final class CoverageCalculator {

    static final String ABSENT = "absent";

    private CoverageCalculator() {
    }

    static CoverageReport.Predicted predicted(String referenceRun, SyscallProfile reference, KernelSyscallTable table) {
        List<String> missing = reference.names().stream().filter(name -> !table.implementsCall(name)).toList();
        int distinct = reference.names().size();
        long total = reference.totalCalls();
        long covered = reference.names().stream().filter(table::implementsCall).mapToLong(reference::calls).sum();
        return new CoverageReport.Predicted(referenceRun,
                distinct == 0 ? 1.0 : (double) (distinct - missing.size()) / distinct,
                total == 0 ? 1.0 : (double) covered / total, missing);
    }

    static CoverageReport.Observed observed(String runId, SyscallProfile profile) {
        Map<String, Long> counts = new TreeMap<>();
        profile.names().forEach(name -> counts.put(name, profile.calls(name)));
        return new CoverageReport.Observed(runId, profile.distinctCoverage(), profile.callCoverage(), profile.totalCalls(),
                List.copyOf(profile.namesWith(SyscallOutcome.ok)), List.copyOf(profile.namesWith(SyscallOutcome.stubbed)),
                List.copyOf(profile.namesWith(SyscallOutcome.enosys)), List.copyOf(profile.namesWith(SyscallOutcome.error)), counts);
    }

    /** Per syscall, the worst outcome a view gives it. */
    static Map<String, String> outcomes(CoverageReport.Observed observed) {
        Map<String, String> outcomes = new TreeMap<>();
        observed.ok().forEach(n -> outcomes.put(n, SyscallOutcome.ok.name()));
        observed.error().forEach(n -> outcomes.put(n, SyscallOutcome.error.name()));
        observed.stubbed().forEach(n -> outcomes.put(n, SyscallOutcome.stubbed.name()));
        observed.enosys().forEach(n -> outcomes.put(n, SyscallOutcome.enosys.name()));
        return outcomes;
    }

    /** A prediction as outcomes: implemented calls {@code ok}, the others {@code enosys}. */
    static Map<String, String> outcomes(SyscallProfile reference, KernelSyscallTable table) {
        Map<String, String> outcomes = new TreeMap<>();
        reference.names().forEach(n -> outcomes.put(n, table.implementsCall(n) ? SyscallOutcome.ok.name() : SyscallOutcome.enosys.name()));
        return outcomes;
    }

    static CoverageReport.Diff diff(String left, Map<String, String> leftOutcomes, String right, Map<String, String> rightOutcomes) {
        TreeSet<String> names = new TreeSet<>(leftOutcomes.keySet());
        names.addAll(rightOutcomes.keySet());
        List<CoverageReport.Change> changes = new ArrayList<>();
        for (String name : names) {
            String l = leftOutcomes.getOrDefault(name, ABSENT);
            String r = rightOutcomes.getOrDefault(name, ABSENT);
            if (!l.equals(r)) {
                changes.add(new CoverageReport.Change(name, l, r));
            }
        }
        return new CoverageReport.Diff(left, right, changes);
    }
}
