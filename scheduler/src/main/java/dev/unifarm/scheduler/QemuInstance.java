package dev.unifarm.scheduler;

import dev.unifarm.imager.KernelProfile;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Supervises one QEMU process: reads its serial console, moves the instance through its states, and
 * stops it (QMP {@code quit}, then kill) when asked.
 */
final class QemuInstance {

    private static final Logger LOG = Logger.getLogger(QemuInstance.class);
    private static final int CONSOLE_CHARS = 256 * 1024;
    private static final long CONSOLE_FILE_BYTES = 8L * 1024 * 1024;
    private static final int KEPT_APP_LINES = 64;
    static final String QMP_SOCKET = "qmp.sock";
    static final String PID_FILE = "qemu.pid";

    private final LaunchRequest request;
    private final Accelerator accel;
    private final InstanceListener listener;
    private final Clock clock;
    private final KernelProfile.ExitDetection exitDetection;
    private final ConsoleBuffer console;
    private final Deque<String> appLines = new ArrayDeque<>();
    private volatile InstanceStatus status;
    private volatile boolean stopRequested;
    private volatile Integer waitStatus;
    private Process process;
    /** The app's port forward, or null for an app without a port (then Running = first app output). */
    private PortForward forward;

    QemuInstance(LaunchRequest request, Accelerator accel, String node, InstanceListener listener, Clock clock) {
        this.request = request;
        this.accel = accel;
        this.listener = listener;
        this.clock = clock;
        this.exitDetection = request.image().manifest().boot().exitDetection();
        this.console = new ConsoleBuffer(request.instanceDir().resolve("console.log"), CONSOLE_CHARS, CONSOLE_FILE_BYTES);
        this.status = InstanceStatus.pending(request.instanceId(), node, clock.instant());
    }

    InstanceStatus status() {
        return status;
    }

    ConsoleBuffer console() {
        return console;
    }

    Path qmpSocket() {
        return request.instanceDir().resolve(QMP_SOCKET);
    }

    /** Stays {@code Pending}: the scheduler's capacity has no room yet ({@link Admission}). */
    void waitForCapacity(String message) {
        publish(status.waiting("WaitingForCapacity", message));
    }

    /** Ends an instance whose QEMU never started (stopped while waiting, or unschedulable). */
    void endUnstarted(InstanceState end, String why, String message) {
        console.close();
        publish(status.finished(end, null, why, message, clock.instant()));
    }

    /** Starts QEMU and a thread that follows its console until it exits. */
    void start() throws IOException {
        if (status.state() != InstanceState.Pending) {
            return; // ended while it waited for capacity
        }
        publish(status);
        Path dir = request.instanceDir();
        // QEMU runs in the instance dir, so its socket and pid file names stay short (see SocketPaths).
        List<String> command = new ArrayList<>(QemuCommand.of(request, request.image(), accel, Path.of(QMP_SOCKET), Path.of(PID_FILE)));
        if (request.port() > 0) {
            forward = PortForward.toGuest(request.port());
            command.addAll(forward.qemuArgs());
            status = status.withEndpoint(forward.endpoint());
        }
        Files.writeString(dir.resolve("qemu.cmdline"), String.join("\n", command) + "\n");
        try {
            process = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectError(dir.resolve("qemu.log").toFile())
                    .start();
        } catch (IOException e) {
            console.close();
            publish(status.finished(InstanceState.Failed, null, "StartFailed",
                    "cannot start " + QemuCommand.BINARY + ": " + e.getMessage(), clock.instant()));
            throw e;
        }
        publish(status.booting(accel, clock.instant()));
        Thread reader = new Thread(this::followConsole, "console-" + request.instanceId());
        reader.setDaemon(true);
        reader.start();
        if (forward != null) {
            Thread probe = new Thread(() -> ReadinessProbe.untilReady(forward,
                    () -> process.isAlive() && status.state() == InstanceState.Booting, this::ready),
                    "readiness-" + request.instanceId());
            probe.setDaemon(true);
            probe.start();
        }
    }

    /** Booting → Running, unless the instance ended meanwhile. */
    private synchronized void ready() {
        if (status.state() == InstanceState.Booting) {
            publish(status.running(clock.instant()));
        }
    }

    private void followConsole() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String raw = in.readLine(); raw != null; raw = in.readLine()) {
                ConsoleCleaner.lines(raw).forEach(this::onLine);
            }
        } catch (IOException e) {
            LOG.debugf(e, "console of %s closed", request.instanceId());
        }
        awaitExit();
        console.close();
        finish();
    }

    private void onLine(String line) {
        console.append(line);
        OptionalInt exit = waitStatus(exitDetection, line);
        if (exit.isPresent()) {
            waitStatus = exit.getAsInt();
            return;
        }
        if (!LinuxConsoleProtocol.isAppOutput(line)) {
            return;
        }
        appLines.addLast(line);
        if (appLines.size() > KEPT_APP_LINES) {
            appLines.removeFirst();
        }
        if (forward == null) {
            ready();
        }
    }

    /**
     * The app's wait status if {@code line} reports its end, as the image's profile detects it:
     * {@code linux-panic} reads Linux's init-exit panic; {@code none} (app-elfloader, whose VM keeps
     * running after the app exits and whose strace shows no {@code exit_group}) reads nothing, so the
     * instance stays {@code Running} until it is stopped, or ends {@code Failed} if QEMU exits.
     */
    static OptionalInt waitStatus(KernelProfile.ExitDetection detection, String line) {
        return switch (detection) {
            case LINUX_PANIC -> LinuxConsoleProtocol.waitStatus(line);
            case NONE -> OptionalInt.empty();
        };
    }

    private void awaitExit() {
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void finish() {
        var now = clock.instant();
        // An app that ended by itself (its exit is on the console) keeps its own outcome even if a
        // stop was asked for at the same moment.
        if (waitStatus == null && stopRequested) {
            publish(status.finished(InstanceState.Stopped, null, "Stopped", "stopped on request", now));
            return;
        }
        if (waitStatus == null) {
            publish(status.finished(InstanceState.Failed, null, "VmExited",
                    "QEMU exited with code " + process.exitValue() + " before the app ended: " + qemuLogTail(), now));
            return;
        }
        int code = LinuxConsoleProtocol.exitCode(waitStatus);
        if (code == 0) {
            publish(status.finished(InstanceState.Succeeded, 0, "Completed", "the app exited with code 0", now));
        } else if (LinuxConsoleProtocol.killedBySignal(waitStatus)) {
            publish(status.finished(InstanceState.Failed, code, "Signaled", FailureSummary.of(new ArrayList<>(appLines))
                    + " (killed by signal " + (waitStatus & 0x7f) + ")", now));
        } else {
            publish(status.finished(InstanceState.Failed, code, "Error", FailureSummary.of(new ArrayList<>(appLines))
                    + " (exit code " + code + ")", now));
        }
    }

    /**
     * Asks QEMU to quit over QMP and kills it if it has not gone within {@code grace}; returns once
     * the process is gone. The console thread then records the end as {@code Stopped}.
     */
    void stop(Duration grace) {
        stopRequested = true;
        if (process == null || !process.isAlive()) {
            return;
        }
        try (QmpClient qmp = QmpClient.connect(SocketPaths.forConnecting(qmpSocket()))) {
            qmp.execute("quit");
        } catch (IOException e) {
            LOG.debugf("QMP quit for %s failed (%s); killing QEMU", request.instanceId(), e.getMessage());
        }
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private String qemuLogTail() {
        try {
            List<String> lines = Files.readAllLines(request.instanceDir().resolve("qemu.log"));
            return lines.isEmpty() ? "(no QEMU output)" : String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException e) {
            return "(no QEMU log)";
        }
    }

    private synchronized void publish(InstanceStatus next) {
        status = next;
        try {
            listener.changed(next);
        } catch (RuntimeException e) {
            LOG.errorf(e, "listener failed for %s in state %s", next.id(), next.state());
        }
    }
}
