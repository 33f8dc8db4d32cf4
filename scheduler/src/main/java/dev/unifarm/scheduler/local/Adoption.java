package dev.unifarm.scheduler.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.unifarm.scheduler.qmp.QmpClient;
import dev.unifarm.scheduler.qmp.SocketPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Finds the QEMU a previous farm process left in an instance dir and tells whether it can be
 * supervised again: its pid file names a live process that is a QEMU running in that dir (a pid can
 * be reused), and its QMP socket answers {@code query-status} with {@code running}.
 */
public final class Adoption {

    private static final Logger LOG = Logger.getLogger(Adoption.class);

    /** What was found: the QEMU process (if any is ours) and whether it can be adopted, with why not. */
    public record Finding(Optional<ProcessHandle> qemu, boolean adoptable, String why) {
    }

    private Adoption() {
    }

    public static Finding inspect(Path instanceDir) {
        Path dir = instanceDir.toAbsolutePath().normalize();
        Optional<ProcessHandle> qemu = qemuOf(dir);
        if (qemu.isEmpty()) {
            return new Finding(qemu, false, "its QEMU is gone");
        }
        try (QmpClient qmp = QmpClient.connect(SocketPaths.forConnecting(dir.resolve(QemuInstance.QMP_SOCKET)))) {
            JsonNode status = qmp.execute("query-status");
            String state = status.path("status").asText();
            if (!"running".equals(state)) {
                return new Finding(qemu, false, "its QEMU is " + state + ", not running");
            }
            return new Finding(qemu, true, "running");
        } catch (IOException | RuntimeException e) {
            return new Finding(qemu, false, "its QEMU does not answer on QMP (" + e.getMessage() + ")");
        }
    }

    /** The live QEMU whose pid file is in {@code dir} and which runs in {@code dir}. */
    static Optional<ProcessHandle> qemuOf(Path dir) {
        Path pidFile = dir.resolve(QemuProcess.PID_FILE);
        try {
            if (!Files.isRegularFile(pidFile)) {
                return Optional.empty();
            }
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            return ProcessHandle.of(pid).filter(Adoption::running).filter(p -> isQemuIn(p, dir));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static boolean isQemuIn(ProcessHandle process, Path dir) {
        boolean qemu = process.info().command().map(cmd -> cmd.contains("qemu-system")).orElse(false);
        try {
            // the same directory, not the same path: a contained QEMU sees its dir under another name (Jail.INSIDE)
            return qemu && Files.isSameFile(Path.of("/proc", Long.toString(process.pid()), "cwd"), dir);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Whether the process still runs. An adopted QEMU is not our child: once it exits it stays a zombie
     * until its new parent reaps it, and {@link ProcessHandle#isAlive()} counts a zombie as alive.
     */
    public static boolean running(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            return process.isAlive();
        }
    }

    /** Kills a leftover QEMU that is not adopted and waits (bounded) for it to go; true if one was killed. */
    public static boolean kill(Optional<ProcessHandle> qemu, Duration wait) {
        if (qemu.isEmpty() || !running(qemu.get())) {
            return false;
        }
        ProcessHandle process = qemu.get();
        process.destroyForcibly();
        if (!awaitGone(process, wait)) {
            LOG.warnf("QEMU %d did not exit within %s after SIGKILL", process.pid(), wait);
        }
        return true;
    }

    /** Waits (bounded, polling: a non-child's exit is not signalled) until the process has stopped running. */
    static boolean awaitGone(ProcessHandle process, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (running(process)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return !running(process);
            }
        }
        return true;
    }
}
