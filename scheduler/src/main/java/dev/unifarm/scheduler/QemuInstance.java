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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Supervises one QEMU process: reads its serial console, moves the instance through its states, and
 * stops it ({@link StopSequence}) when asked or when its {@link Watchdog} fires.
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
    private final Lifecycle lifecycle;
    private final Watchdog watchdog;
    private final CompletableFuture<StopSequence.Outcome> stopOutcome = new CompletableFuture<>();
    private volatile InstanceStatus status;
    private volatile boolean stopRequested;
    private volatile String hungLine;
    private volatile Integer waitStatus;
    private Process process;

    QemuInstance(LaunchRequest request, Accelerator accel, String node, InstanceListener listener, Clock clock) {
        this(request, accel, node, listener, clock, Lifecycle.defaults(Duration.ofSeconds(5)));
    }

    QemuInstance(LaunchRequest request, Accelerator accel, String node, InstanceListener listener, Clock clock,
            Lifecycle lifecycle) {
        this.request = request;
        this.lifecycle = lifecycle;
        this.watchdog = new Watchdog(lifecycle.watchdogGrace(), this::hung);
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

    /** Starts QEMU and a thread that follows its console until it exits. */
    void start() throws IOException {
        publish(status);
        Path dir = request.instanceDir();
        // QEMU runs in the instance dir, so its socket and pid file names stay short (see SocketPaths).
        List<String> command = QemuCommand.of(request, request.image(), accel, Path.of(QMP_SOCKET), Path.of(PID_FILE));
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
        watchdog.close();
        console.close();
        finish();
    }

    private void onLine(String line) {
        console.append(line);
        watchdog.onLine(line);
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
        if (status.state() == InstanceState.Booting) {
            publish(status.running(clock.instant()));
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
        if (waitStatus == null && hungLine != null) {
            publish(status.finished(InstanceState.Failed, null, "Hung", hungLine + " (no exit within "
                    + lifecycle.watchdogGrace() + " of this line; " + stopDescription() + ")", now));
            return;
        }
        // An app that ended by itself (its exit is on the console) keeps its own outcome even if a
        // stop was asked for at the same moment.
        if (waitStatus == null && stopRequested) {
            publish(status.finished(InstanceState.Stopped, null, "Stopped", "stopped on request: " + stopDescription(), now));
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
     * Stops QEMU with the {@link StopSequence} (powerdown, quit, kill) and returns once it is gone (or
     * the sequence gave up). The console thread then records the end as {@code Stopped}, saying which
     * step ended it.
     */
    void stop() {
        stopRequested = true;
        runStopSequence();
    }

    private synchronized void runStopSequence() {
        if (stopOutcome.isDone()) {
            return;
        }
        if (process == null) {
            stopOutcome.complete(new StopSequence.Outcome(StopSequence.Step.GONE, List.of("QEMU never started"), List.of()));
            return;
        }
        stopOutcome.complete(new StopSequence(request.instanceId(), process, SocketPaths.forConnecting(qmpSocket()), lifecycle,
                event -> LOG.infof("%s: QMP event %s", request.instanceId(), event)).run());
    }

    /** The watchdog fired: the VM printed {@code line} and did not end in time. */
    private void hung(String line) {
        LOG.warnf("%s: no exit within %s of the fatal line \"%s\"; stopping it", request.instanceId(), lifecycle.watchdogGrace(), line);
        hungLine = line;
        Thread stopper = new Thread(this::runStopSequence, "hung-" + request.instanceId());
        stopper.setDaemon(true);
        stopper.start();
    }

    private String stopDescription() {
        try {
            return stopOutcome.get(lifecycle.powerdownWait().plus(lifecycle.quitWait().multipliedBy(2))
                    .plus(lifecycle.qmpTimeout().multipliedBy(3)).toMillis(), TimeUnit.MILLISECONDS).describe();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "stop sequence interrupted";
        } catch (ExecutionException | TimeoutException e) {
            return "stop sequence did not report";
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

    private void publish(InstanceStatus next) {
        status = next;
        try {
            listener.changed(next);
        } catch (RuntimeException e) {
            LOG.errorf(e, "listener failed for %s in state %s", next.id(), next.state());
        }
    }
}
