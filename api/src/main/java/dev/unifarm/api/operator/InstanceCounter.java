package dev.unifarm.api.operator;

import dev.unifarm.api.coverage.CoverageReport;
import dev.unifarm.api.coverage.CoverageService;
import dev.unifarm.api.coverage.NeedsResults;
import dev.unifarm.api.farm.KernelProfiles;
import dev.unifarm.api.instances.Instance;
import dev.unifarm.api.instances.InstanceService;
import dev.unifarm.api.problem.ProblemException;
import dev.unifarm.scheduler.InstanceState;
import dev.unifarm.scheduler.coverage.NeedClass;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the farm runs for an app, as the status shows it: instances counted per revision, older
 * revisions' instances stopped (the gateway's pool then boots the current one), the observed
 * coverage and required syscalls, and the gateway URL. Starting instances is the gateway pool's job, not this one's.
 */
final class InstanceCounter {

    private static final int PAGE = 500;

    private final InstanceService instances;
    private final CoverageService coverage;
    private final NeedsResults needs;
    private final String gatewayUrl;

    InstanceCounter(InstanceService instances, CoverageService coverage, NeedsResults needs, String gatewayUrl) {
        this.instances = instances;
        this.coverage = coverage;
        this.needs = needs;
        this.gatewayUrl = gatewayUrl.replaceAll("/+$", "");
    }

    /**
     * @param stopped live instances of older revisions this pass stopped
     * @param ready Running instances of the current revision
     * @param live every instance not ended
     */
    record Rollout(List<String> stopped, int ready, int live) {
    }

    String url(String app) {
        return gatewayUrl + "/" + app + "/";
    }

    /**
     * One pass over the app's instances: live ones of revisions before {@code revision} are stopped
     * (counted by the state their stop left them in), the others counted as they are.
     */
    Rollout rollOut(String app, int revision) {
        List<String> stopped = new ArrayList<>();
        int ready = 0;
        int live = 0;
        for (Instance instance : all(app)) {
            if (!instance.state().isTerminal() && instance.revision() < revision) {
                stopped.add(instance.id());
                instance = instances.stop(instance.id());
            }
            if (!instance.state().isTerminal()) {
                live++;
                if (instance.state() == InstanceState.Running && instance.revision() == revision) {
                    ready++;
                }
            }
        }
        return new Rollout(List.copyOf(stopped), ready, live);
    }

    /** Observed coverage on the app's kernel, and the required syscalls of its newest Done needs sweep (null before one). */
    DotnetAppCoverage coverage(String app, String kernel) {
        List<String> required = needs.of(app).map(latest -> List.copyOf(latest.result().names(NeedClass.required))).orElse(null);
        return new DotnetAppCoverage(observed(app, kernel), required);
    }

    /** Observed coverage of distinct syscalls on the app's kernel, e.g. {@code 97%}; empty without a traced run. */
    private String observed(String app, String kernel) {
        String name = kernel != null ? kernel : KernelProfiles.DEFAULT;
        try {
            return coverage.report(app, null, null, null, null).kernels().stream()
                    .filter(k -> k.kernel().equals(name) && k.observed() != null).findFirst()
                    .map(k -> String.format(Locale.ROOT, "%.0f%%", k.observed().distinct() * 100)).orElse("");
        } catch (ProblemException e) {
            return "";
        }
    }

    private List<Instance> all(String app) {
        List<Instance> all = new ArrayList<>();
        String after = null;
        for (List<Instance> page = instances.list(app, null, PAGE); !page.isEmpty(); page = instances.list(app, after, PAGE)) {
            all.addAll(page);
            after = page.get(page.size() - 1).id();
            if (page.size() < PAGE) {
                break;
            }
        }
        return all;
    }
}
