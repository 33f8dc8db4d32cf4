package dev.unifarm.scheduler.coverage;

import dev.unifarm.imager.rootfs.StraceWrapper;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads Debian strace's {@code -f -C} output (a coverage reference run under the {@code linux}
 * profile) into a {@link StraceTrace}. Line forms: {@code 123   name(args) = ret} ({@code -o} file)
 * or {@code [pid 123] name(args) = ret} (stderr), without a pid for one process;
 * {@code name(args <unfinished ...>} then {@code <... name resumed>...) = ret}; returns
 * {@code = 0x1}, {@code = -1 ENOENT (No such file or directory)}, {@code = ?} (never returned);
 * {@code +++ exited with N +++} and {@code --- SIGCHLD ... ---} (not calls); then the summary table.
 * Never throws on garbage: such lines are counted as unparsed. A call line (and a resumed one, read
 * as {@code name(} + the rest) is a {@link StraceLine}, as in Unikraft's shim output.
 */
public final class StraceParser {

    private static final Pattern PID = Pattern.compile("^(?:\\[pid\\s+(\\d+)\\]|(\\d+))?\\s*(.*)$");
    private static final Pattern CALL_START = Pattern.compile("^([a-z_][a-z0-9_]*)\\(");
    private static final String UNFINISHED = "<unfinished ...>";
    private static final Pattern SUMMARY_ROW = Pattern.compile(
            "^\\s*[\\d.]+\\s+[\\d.]+\\s+\\d+\\s+(\\d+)(?:\\s+\\d+)?\\s+([a-z_][a-z0-9_]*)\\s*$");

    private StraceParser() {
    }

    /** The trace between {@link StraceWrapper#BEGIN} and {@link StraceWrapper#END} in a console; empty if absent. */
    public static StraceTrace fromConsole(List<String> console) {
        int begin = -1;
        int end = console.size();
        for (int i = 0; i < console.size(); i++) {
            String line = console.get(i).strip();
            if (line.equals(StraceWrapper.BEGIN)) {
                begin = i;
            } else if (begin >= 0 && line.equals(StraceWrapper.END)) {
                end = i;
                break;
            }
        }
        return parse(begin < 0 ? List.of() : console.subList(begin + 1, end));
    }

    public static StraceTrace parse(List<String> lines) {
        SyscallProfile profile = new SyscallProfile();
        Map<String, Long> unreturned = new TreeMap<>();
        Map<String, String> pending = new HashMap<>(); // pid -> name of its unfinished call
        Map<String, Long> summary = new TreeMap<>();
        boolean inSummary = false;
        int unparsed = 0;
        for (String raw : lines) {
            String line = raw.replace("\r", "").stripTrailing();
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("% time")) {
                inSummary = true;
                continue;
            }
            if (inSummary) {
                Matcher row = SUMMARY_ROW.matcher(line);
                if (row.matches() && !row.group(2).equals("total")) {
                    summary.merge(row.group(2), Long.parseLong(row.group(1)), Long::sum);
                } else if (!row.matches() && !line.startsWith("---")) {
                    unparsed++;
                }
                continue;
            }
            Matcher pidMatch = PID.matcher(line);
            pidMatch.matches(); // always: every part is optional
            String pid = pidMatch.group(1) != null ? pidMatch.group(1) : pidMatch.group(2) != null ? pidMatch.group(2) : "";
            String rest = pidMatch.group(3);
            if (rest.startsWith("+++ ") || rest.startsWith("--- ")) {
                continue; // exit and signal notes, not calls
            }
            Matcher resumed = StraceLine.RESUMED.matcher(rest);
            String text = rest;
            if (resumed.matches()) {
                pending.remove(pid);
                text = resumed.group(1) + "(" + resumed.group(2);
            } else if (rest.endsWith(UNFINISHED)) {
                Matcher start = CALL_START.matcher(rest);
                if (start.lookingAt()) {
                    pending.put(pid, start.group(1));
                    continue; // counted when it resumes
                }
            }
            Optional<StraceLine> call = StraceLine.parse(text);
            if (call.isEmpty()) {
                unparsed++;
                continue;
            }
            if (call.get().unreturned()) {
                unreturned.merge(call.get().name(), 1L, Long::sum);
            }
            profile.add(call.get().toCall());
        }
        // A call cut off by the end (its process killed) never returned either.
        pending.values().forEach(name -> {
            unreturned.merge(name, 1L, Long::sum);
            profile.add(new SyscallCall(name, SyscallOutcome.ok, "?"));
        });
        return new StraceTrace(profile, unreturned, summary, unparsed);
    }
}
