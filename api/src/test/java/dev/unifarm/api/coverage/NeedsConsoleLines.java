package dev.unifarm.api.coverage;

import dev.unifarm.imager.model.NeedsSweep;
import dev.unifarm.scheduler.coverage.NeedsConsole;
import dev.unifarm.scheduler.coverage.NeedsSweepResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Hand-made needs sweep consoles in {@link NeedsConsole}'s protocol, read by it into results: the tests' stand-in for a
 * boot. Per syscall a class name: {@code stubbable} (stub passes), {@code fakeable} (stub fails, fake passes),
 * {@code required} (both fail; the stub alone for a syscall never faked), {@code untried} (the sweep reached its limit first).
 */
final class NeedsConsoleLines {

    private NeedsConsoleLines() {
    }

    static NeedsSweepResult result(Map<String, String> classes) {
        return NeedsConsole.parse(console(classes), classes.keySet());
    }

    /** {@code "openat", "required", "rseq", "stubbable"} → a result. */
    static NeedsSweepResult result(String... nameThenClass) {
        Map<String, String> classes = new TreeMap<>();
        for (int i = 0; i < nameThenClass.length; i += 2) {
            classes.put(nameThenClass[i], nameThenClass[i + 1]);
        }
        return result(classes);
    }

    static List<String> console(Map<String, String> classes) {
        List<String> lines = new ArrayList<>();
        lines.add(NeedsConsole.BEGIN + " " + String.join(",", new TreeMap<>(classes).keySet()));
        lines.add(NeedsConsole.TRIAL + " 0 baseline - pass 0 812 -");
        int seq = 1;
        boolean limited = false;
        for (Map.Entry<String, String> entry : new TreeMap<>(classes).entrySet()) {
            String name = entry.getKey();
            switch (entry.getValue()) {
                case "stubbable" -> lines.add(trial(seq++, "stub", name, true));
                case "fakeable" -> {
                    lines.add(trial(seq++, "stub", name, false));
                    lines.add(trial(seq++, "fake", name, true));
                }
                case "required" -> {
                    lines.add(trial(seq++, "stub", name, false));
                    if (NeedsSweep.faked(name)) {
                        lines.add(trial(seq++, "fake", name, false));
                    }
                }
                case "untried" -> limited = true;
                default -> throw new IllegalArgumentException("no class " + entry.getValue());
            }
        }
        lines.add(NeedsConsole.END + " " + seq + (limited ? " limit" : " complete"));
        return lines;
    }

    private static String trial(int seq, String mode, String name, boolean pass) {
        return NeedsConsole.TRIAL + " " + seq + " " + mode + " " + name + (pass ? " pass 0 790 -" : " fail 134 455 - Unhandled exception.");
    }
}
