package dev.unifarm.scheduler.local;

import dev.unifarm.scheduler.console.CompatConsoleProtocol;
import dev.unifarm.scheduler.console.ConsoleTail;
import dev.unifarm.scheduler.local.containment.Jail;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * One QEMU process in its instance dir: one this farm started (its child, whose exit code is known)
 * or one it adopted (known only by pid, which is all the stop sequence needs). Owns the pid file and
 * reads QEMU's log.
 */
final class QemuProcess {

    private static final Logger LOG = Logger.getLogger(QemuProcess.class);
    /** QEMU's pid, written by the farm (root-owned: a contained QEMU cannot replace it). */
    static final String PID_FILE = "qemu.pid";
    static final String LOG_FILE = "qemu.log";
    static final String COMMAND_FILE = "qemu.cmdline";
    static final String JAIL_SCRIPT = "jail.sh";

    private final Path dir;
    /** Null when adopted: then only {@link #handle} is known. */
    private final Process process;
    private final ProcessHandle handle;

    private QemuProcess(Path dir, Process process, ProcessHandle handle) {
        this.dir = dir;
        this.process = process;
        this.handle = handle;
    }

    /** Writes what the run will run (its command line, the jail's script) and clears an earlier run's console files. */
    static void prepare(Path dir, List<String> command, Jail jail) throws IOException {
        Files.writeString(dir.resolve(COMMAND_FILE), String.join("\n", command) + "\n");
        if (jail.confined()) {
            Files.writeString(dir.resolve(JAIL_SCRIPT), jail.script());
        }
        Files.deleteIfExists(dir.resolve(Jail.CONSOLE_RAW));
        Files.deleteIfExists(ConsoleTail.older(dir.resolve(Jail.CONSOLE_RAW)));
    }

    /**
     * Starts {@code command} in {@code dir}. Nothing of QEMU's is tied to this JVM: stdin from /dev/null,
     * stdout and stderr to a file, the console into its own file, so it keeps running if the farm is
     * killed (adoption). No other descriptor is inherited (the JDK closes them), and none of the farm's
     * environment.
     */
    static QemuProcess start(List<String> command, Path dir) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(LOG_FILE).toFile());
        builder.environment().keySet().retainAll(Set.of("PATH", "LANG"));
        Process process = builder.start();
        // every step of the jail execs: this pid is QEMU's (adoption finds it here after a farm restart)
        Files.writeString(dir.resolve(PID_FILE), process.pid() + "\n");
        return new QemuProcess(dir, process, process.toHandle());
    }

    /** A QEMU a previous farm process started. */
    static QemuProcess adopted(Path dir, ProcessHandle handle) {
        return new QemuProcess(dir, null, handle);
    }

    ProcessHandle handle() {
        return handle;
    }

    /** This farm started it: it is our child. */
    boolean started() {
        return process != null;
    }

    /** Waits for our child's exit; an adopted QEMU's console tail ended because it no longer runs. */
    void awaitExit() {
        try {
            if (process != null) {
                process.waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Our child's exit value once it exited, else null (still running, or adopted: not our child). */
    Integer exitValue() {
        return process == null || process.isAlive() ? null : process.exitValue();
    }

    /**
     * The compatibility layer powered the VM off with the app's {@code code}: QEMU's exit status says the
     * same ({@link CompatConsoleProtocol#qemuExitStatus}); a difference is logged, the console line wins.
     */
    void confirmPowerOff(String id, int code) {
        Integer exited = exitValue();
        int expected = CompatConsoleProtocol.qemuExitStatus(code);
        if (exited != null && exited != expected) {
            LOG.warnf("%s: the app's end line says exit code %d but QEMU exited %d, not %d (isa-debug-exit)", id, code, exited, expected);
        }
    }

    /** A child's exit code is known; an adopted QEMU is not our child, so its code is not. */
    String exitDescription() {
        return process != null ? "QEMU exited with code " + process.exitValue() : "QEMU (adopted, pid " + handle.pid() + ") exited";
    }

    /** QEMU is gone: its pid file goes too (a later pid of that number is not it). */
    static void deletePidFile(Path dir, String id) {
        try {
            Files.deleteIfExists(dir.resolve(PID_FILE));
        } catch (IOException e) {
            LOG.warnf("cannot delete the pid file of %s: %s", id, e.getMessage());
        }
    }

    /** QEMU's log, leniently decoded: its register dump may carry any byte. */
    static List<String> log(Path dir) {
        try {
            return new String(Files.readAllBytes(dir.resolve(LOG_FILE)), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** QEMU's last three log lines, as a failure message quotes them. */
    static String logTail(Path dir) {
        try {
            List<String> lines = Files.readAllLines(dir.resolve(LOG_FILE));
            return lines.isEmpty() ? "(no QEMU output)" : String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException e) {
            return "(no QEMU log)";
        }
    }
}
