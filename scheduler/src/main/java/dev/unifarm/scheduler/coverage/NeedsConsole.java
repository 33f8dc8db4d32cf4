package dev.unifarm.scheduler.coverage;

import dev.unifarm.imager.model.NeedsSweep;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads a needs sweep's console (the lines {@code rootfs.NeedsSweepScript} makes the guest print) into a
 * {@link NeedsSweepResult}, and classes each syscall: stub passed → {@code stubbable}; stub failed, fake passed →
 * {@code fakeable}; both failed (or the stub failed and the syscall is never faked) → {@code required}. Never throws:
 * a line it cannot read is skipped, a syscall without its trials is {@code untried}.
 * <pre>
 * unifarm-needs-begin &lt;syscalls&gt;
 * unifarm-needs-trial &lt;seq&gt; &lt;baseline|stub|fake&gt; &lt;syscall|-&gt; &lt;pass|fail|hung&gt; &lt;exit|-&gt; &lt;ms&gt; &lt;http|-&gt; [first difference]
 * unifarm-needs-again &lt;the same fields&gt;   (every verdict once more, before the end)
 * unifarm-needs-end &lt;trials&gt; &lt;complete|limit&gt;
 * </pre>
 * Trials are merged by number, so a verdict line the console lost is read from its second copy; one lost twice leaves
 * its syscall {@code untried} and is counted in {@link NeedsSweepResult#lost()}.
 */
public final class NeedsConsole {

    public static final String BEGIN = "unifarm-needs-begin";
    public static final String TRIAL = "unifarm-needs-trial";
    public static final String END = "unifarm-needs-end";
    public static final String AGAIN = "unifarm-needs-again";

    private NeedsConsole() {
    }

    /** True for a verdict line, first copy or second: they quote the failures the trials provoke on purpose. */
    public static boolean isVerdict(String line) {
        return line.startsWith(TRIAL + " ") || line.startsWith(AGAIN + " ");
    }

    /** The most trials a sweep of {@code syscalls} runs: the baseline, a stub trial each, a fake trial where faked. */
    public static int plannedTrials(Collection<String> syscalls) {
        int trials = 1;
        for (String name : new TreeSet<>(syscalls)) {
            if (!NeedsSweep.NOT_TRIED.containsKey(name)) {
                trials += NeedsSweep.faked(name) ? 2 : 1;
            }
        }
        return trials;
    }

    /** The trial a console line reports the first time, or null (for live progress: each trial counts once). */
    public static NeedsTrial trial(String line) {
        return read(line, TRIAL);
    }

    private static NeedsTrial read(String line, String prefix) {
        int at = line.indexOf(prefix + " ");
        if (at < 0) {
            return null;
        }
        String[] f = line.substring(at + prefix.length() + 1).strip().split(" ", 8);
        if (f.length < 7 || !List.of("baseline", "stub", "fake").contains(f[1])) {
            return null;
        }
        try {
            return new NeedsTrial(Integer.parseInt(f[0]), f[1], "-".equals(f[2]) ? null : f[2], NeedsTrial.Verdict.valueOf(f[3]),
                    "-".equals(f[4]) ? null : Integer.valueOf(f[4]), Long.parseLong(f[5]), "-".equals(f[6]) ? null : Integer.valueOf(f[6]),
                    f.length > 7 && !f[7].isBlank() ? f[7] : null);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The sweep of {@code planned} (the syscalls asked for, untried ones included) as the console reports it. */
    public static NeedsSweepResult parse(List<String> console, Collection<String> planned) {
        Map<Integer, NeedsTrial> bySeq = new TreeMap<>();
        boolean ended = false;
        boolean limited = false;
        int reported = -1;
        for (String line : console) {
            NeedsTrial trial = read(line, TRIAL);
            if (trial == null) {
                trial = read(line, AGAIN);
            }
            if (trial != null) {
                bySeq.putIfAbsent(trial.seq(), trial);
                continue;
            }
            int end = line.indexOf(END + " ");
            if (end >= 0) {
                ended = true;
                String[] f = line.substring(end + END.length() + 1).strip().split(" ");
                limited = f.length > 1 && "limit".equals(f[1]);
                try {
                    reported = Integer.parseInt(f[0]);
                } catch (NumberFormatException e) {
                    reported = -1;
                }
            }
        }
        NeedsTrial baseline = null;
        Map<String, NeedsTrial> stubs = new HashMap<>();
        Map<String, NeedsTrial> fakes = new HashMap<>();
        for (NeedsTrial trial : bySeq.values()) {
            switch (trial.mode()) {
                case "baseline" -> baseline = trial;
                case "stub" -> stubs.put(trial.syscall(), trial);
                default -> fakes.put(trial.syscall(), trial);
            }
        }
        int trials = bySeq.size();
        int lost = Math.max(0, reported - trials);
        List<SyscallNeed> needs = new ArrayList<>();
        String cutOff = limited ? "the sweep reached its limit before this trial"
                : lost > 0 ? "no verdict reached the farm for this trial (lost on the console, or the sweep ended before it)"
                : "the sweep ended before this trial";
        for (String name : new TreeSet<>(planned)) {
            String notTried = NeedsSweep.NOT_TRIED.get(name);
            NeedsTrial stub = stubs.get(name);
            NeedsTrial fake = fakes.get(name);
            if (notTried != null) {
                needs.add(new SyscallNeed(name, NeedClass.untried, null, null, "not tried: " + notTried));
            } else if (stub == null) {
                needs.add(new SyscallNeed(name, NeedClass.untried, null, null, cutOff));
            } else if (stub.passed()) {
                needs.add(new SyscallNeed(name, NeedClass.stubbable, stub, null, null));
            } else if (!NeedsSweep.faked(name)) {
                needs.add(new SyscallNeed(name, NeedClass.required, stub, null, "not faked: " + NeedsSweep.NOT_FAKED.get(name)));
            } else if (fake == null) {
                needs.add(new SyscallNeed(name, NeedClass.untried, stub, null, cutOff));
            } else {
                needs.add(new SyscallNeed(name, fake.passed() ? NeedClass.fakeable : NeedClass.required, stub, fake, null));
            }
        }
        return new NeedsSweepResult(baseline, needs, trials, ended, limited, lost);
    }
}
