package dev.unifarm.scheduler;

import dev.unifarm.imager.CommandLineKind;
import dev.unifarm.imager.KernelProfile;
import dev.unifarm.scheduler.diagnosis.Diagnosis;
import dev.unifarm.scheduler.diagnosis.FailureDiagnoser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Supervises one QEMU process: follows its serial console (the raw file QEMU writes itself, see
 * {@link ConsoleTail}), moves the instance through its states, and stops it ({@link StopSequence}:
 * powerdown, quit, kill) when asked or when its {@link Watchdog} fires. The process is one this
 * instance started, or one a previous farm process started and this one adopted ({@link #adopted}):
 * then it is known only by pid, which is all the stop sequence needs.
 */
final class QemuInstance {

    private static final Logger LOG = Logger.getLogger(QemuInstance.class);
    static final int CONSOLE_CHARS = 256 * 1024;
    static final long CONSOLE_FILE_BYTES = 8L * 1024 * 1024;
    /** console.raw's cap (copy-truncate by {@link ConsoleTail}): like console.log's, so both stay bounded. */
    static final long CONSOLE_RAW_BYTES = 8L * 1024 * 1024;
    static final int KEPT_APP_LINES = 64;
    /** QEMU's own dir inside the instance dir, the only place it may create files (its QMP socket): see {@link Jail}. */
    static final String VM_DIR = "vm";
    static final String QMP_SOCKET = VM_DIR + "/qmp.sock";
    /** QEMU's pid, written by the farm (root-owned: a contained QEMU cannot replace it). */
    static final String PID_FILE = "qemu.pid";
    static final String CONSOLE_FILE = "console.log";
    static final String JAIL_SCRIPT = "jail.sh";
    /**
     * After the compatibility layer's end line QEMU exits at once (isa-debug-exit); one still running this
     * long after it (no such device, e.g. an adopted QEMU of an older farm) is stopped: the app has ended.
     */
    static final Duration POWER_OFF_GRACE = Duration.ofSeconds(5);
    static final String ON_REQUEST = "stopped on request";

    private final String id;
    private final Path dir;
    private final LaunchRequest request;
    private final Accelerator accel;
    private final InstanceListener listener;
    private final Clock clock;
    private final KernelProfile.ExitDetection exitDetection;
    /** How the console tells the app's lines from the kernel's (and the syscall trace's): {@link ConsoleView#appText}. */
    private final CommandLineKind consoleKind;
    private final ConsoleBuffer console;
    private final Deque<String> appLines = new ArrayDeque<>();
    /** Sees every console line (kernel lines too: Linux's OOM killer), keeps only the evidence. */
    private final FailureDiagnoser diagnoser = new FailureDiagnoser();
    private final Lifecycle lifecycle;
    /** The stop sequence's timings: the lifecycle's, or those of the stop that asked for a longer powerdown wait. */
    private volatile Lifecycle stopTiming;
    private final long consoleRawCap;
    private final Watchdog watchdog;
    private final BootBound bootBound;
    private final CompletableFuture<StopSequence.Outcome> stopOutcome = new CompletableFuture<>();
    /** QEMU's QMP connection for the whole run: events recorded, the stop's commands sent on it. */
    private volatile QmpMonitor qmp;
    private volatile InstanceStatus status;
    private volatile boolean stopRequested;
    /** Who stopped it, the start of a Stopped end's message: a request, or the farm shutting down. */
    private volatile String stoppedBy = ON_REQUEST;
    private volatile String hungLine;
    /** Set when the boot bound passed without app output: what the instance's message says. */
    private volatile String bootTimeout;
    /** Set when QEMU stopped the guest for good (internal error, panic) and was stopped for it. */
    private volatile QemuGaveUp gaveUp;
    private volatile String lastLine;
    private volatile boolean appStarted;
    private volatile Integer waitStatus;
    /** Null when adopted: then only {@link #handle} is known. */
    private Process process;
    private volatile ProcessHandle handle;
    /** The app's port forward, or null for an app without a port (then Running = first app output). */
    private PortForward forward;
    private final String forwardHost;
    private final Containment containment;
    /** This run's containment: set when QEMU starts or is adopted, released once it is gone. */
    private volatile Jail jail;
    /** Set when the instance's cgroup's OOM killer ended QEMU: its memory cap, not the host, stopped it. */
    private volatile boolean memoryCapHit;

    QemuInstance(LaunchRequest request, Accelerator accel, String node, InstanceListener listener, Clock clock) {
        this(request, accel, node, listener, clock, Lifecycle.defaults(Duration.ofSeconds(5)));
    }

    QemuInstance(LaunchRequest request, Accelerator accel, String node, InstanceListener listener, Clock clock,
            Lifecycle lifecycle) {
        this(request, accel, node, listener, clock, lifecycle, CONSOLE_RAW_BYTES);
    }

    QemuInstance(LaunchRequest request, Accelerator accel, String node, InstanceListener listener, Clock clock,
            Lifecycle lifecycle, long consoleRawCap) {
        this(request, accel, node, listener, clock, lifecycle, consoleRawCap, PortForward.LOOPBACK);
    }

    QemuInstance(LaunchRequest request, Accelerator accel, String node, InstanceListener listener, Clock clock,
            Lifecycle lifecycle, long consoleRawCap, String forwardHost) {
        this(request, accel, node, listener, clock, lifecycle, consoleRawCap, forwardHost, Containment.onThisHost());
    }

    /** {@code forwardHost}: where QEMU binds the app's host port ({@link PortForward}); {@code containment}: what QEMU runs under. */
    QemuInstance(LaunchRequest request, Accelerator accel, String node, InstanceListener listener, Clock clock,
            Lifecycle lifecycle, long consoleRawCap, String forwardHost, Containment containment) {
        this.request = request;
        this.containment = containment;
        this.forwardHost = forwardHost;
        this.consoleRawCap = consoleRawCap;
        this.id = request.instanceId();
        this.dir = request.instanceDir();
        this.lifecycle = lifecycle;
        this.stopTiming = lifecycle;
        this.watchdog = new Watchdog(lifecycle.watchdogGrace(), this::hung);
        this.bootBound = new BootBound(lifecycle.bootTimeout(), this::bootExpired);
        this.accel = accel;
        this.listener = listener;
        this.clock = clock;
        this.exitDetection = request.image().manifest().boot().exitDetection();
        this.consoleKind = request.image().manifest().boot().commandLineKind();
        this.console = new ConsoleBuffer(dir.resolve(CONSOLE_FILE), CONSOLE_CHARS, CONSOLE_FILE_BYTES);
        this.status = InstanceStatus.pending(request.instanceId(), node, clock.instant());
    }

    private QemuInstance(AdoptRequest adopt, ProcessHandle qemu, InstanceListener listener, Clock clock, Lifecycle lifecycle,
            long consoleRawCap, Containment containment) {
        this.request = null;
        this.containment = containment;
        this.jail = containment.adopted(adopt.instanceId(), adopt.instanceDir());
        this.forwardHost = PortForward.LOOPBACK; // unused: an adopted QEMU keeps the forward it was started with
        this.consoleRawCap = consoleRawCap;
        this.lifecycle = lifecycle;
        this.stopTiming = lifecycle;
        this.watchdog = new Watchdog(lifecycle.watchdogGrace(), this::hung);
        this.bootBound = new BootBound(lifecycle.bootTimeout(), this::bootExpired);
        this.id = adopt.instanceId();
        this.dir = adopt.instanceDir();
        this.accel = adopt.recorded().accel();
        this.listener = listener;
        this.clock = clock;
        this.exitDetection = adopt.exitDetection();
        this.consoleKind = adopt.consoleKind();
        this.handle = qemu;
        // console.log is rebuilt from the raw console (see followConsole): start it afresh.
        try {
            Files.deleteIfExists(dir.resolve(CONSOLE_FILE));
        } catch (IOException e) {
            LOG.warnf("cannot reset the console file of %s: %s", id, e.getMessage());
        }
        this.console = new ConsoleBuffer(dir.resolve(CONSOLE_FILE), CONSOLE_CHARS, CONSOLE_FILE_BYTES);
        this.status = adopt.recorded();
    }

    /**
     * Supervises a QEMU a previous farm process started: keeps the recorded status (state and
     * timestamps) and follows the console file from its start, so the app lines that explain a later
     * failure, an exit already on the console, and {@code console.log} are what they would have been
     * had the farm never stopped. Call {@link #followInBackground()} once it is tracked.
     */
    static QemuInstance adopted(AdoptRequest adopt, ProcessHandle qemu, InstanceListener listener, Clock clock,
            Lifecycle lifecycle, long consoleRawCap, Containment containment) {
        return new QemuInstance(adopt, qemu, listener, clock, lifecycle, consoleRawCap, containment);
    }

    /** What QEMU runs under; empty until it started. */
    Optional<Confinement> confinement() {
        return Optional.ofNullable(jail).map(Jail::confinement);
    }

    InstanceStatus status() {
        return status;
    }

    ConsoleBuffer console() {
        return console;
    }

    Path qmpSocket() {
        return dir.resolve(QMP_SOCKET);
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
        try {
            Files.createDirectories(dir.resolve(VM_DIR));
            jail = containment.prepare(request, accel);
        } catch (IOException | RuntimeException e) {
            console.close();
            publish(status.finished(InstanceState.Failed, null, "StartFailed", "cannot contain " + QemuCommand.BINARY + ": " + e.getMessage(),
                    clock.instant()));
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
        // QEMU runs in the instance dir, so its socket and pid file names stay short (see SocketPaths).
        List<String> command = new ArrayList<>(QemuCommand.of(request, request.image(), accel, Path.of(QMP_SOCKET), null, jail));
        if (request.port() > 0) {
            forward = PortForward.toGuest(forwardHost, request.port());
            command.addAll(forward.qemuArgs(containment.guestOutbound()));
            status = status.withEndpoint(forward.endpoint());
        }
        Files.writeString(dir.resolve("qemu.cmdline"), String.join("\n", command) + "\n");
        if (jail.confined()) {
            Files.writeString(dir.resolve(JAIL_SCRIPT), jail.script());
        }
        Files.deleteIfExists(dir.resolve(QemuCommand.CONSOLE_RAW));
        Files.deleteIfExists(ConsoleTail.older(dir.resolve(QemuCommand.CONSOLE_RAW)));
        try {
            // Nothing of QEMU's is tied to this JVM: stdin from /dev/null, stdout and stderr to a file,
            // the console into its own file, so it keeps running if the farm is killed (adoption).
            // No other descriptor is inherited (the JDK closes them), and none of the farm's environment.
            ProcessBuilder builder = new ProcessBuilder(jail.command(command))
                    .directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("qemu.log").toFile());
            builder.environment().keySet().retainAll(Set.of("PATH", "LANG"));
            process = builder.start();
            handle = process.toHandle();
            // every step of the jail execs: this pid is QEMU's (adoption finds it here after a farm restart)
            Files.writeString(dir.resolve(PID_FILE), process.pid() + "\n");
        } catch (IOException e) {
            jail.release();
            console.close();
            publish(status.finished(InstanceState.Failed, null, "StartFailed",
                    "cannot start " + QemuCommand.BINARY + ": " + e.getMessage(), clock.instant()));
            throw e;
        }
        publish(status.booting(accel, clock.instant()));
        followInBackground();
    }

    void followInBackground() {
        qmp = new QmpMonitor(id, SocketPaths.forConnecting(qmpSocket()), lifecycle.qmpTimeout());
        qmp.watchRunState(this::qemuGaveUp);
        if (status.state() == InstanceState.Booting) {
            bootBound.arm(); // a started run, or one adopted before its app printed
        }
        qmp.connectInBackground(() -> Adoption.running(handle));
        Thread reader = new Thread(this::followConsole, "console-" + id);
        reader.setDaemon(true);
        reader.start();
        if (forward != null) {
            Thread probe = new Thread(() -> ReadinessProbe.untilReady(forward, request.readinessPath(),
                    () -> Adoption.running(handle) && status.state() == InstanceState.Booting, this::ready),
                    "readiness-" + id);
            probe.setDaemon(true);
            probe.start();
        }
    }

    /** Booting → Running, unless the instance ended meanwhile. */
    private synchronized void ready() {
        bootBound.close();
        if (status.state() == InstanceState.Booting) {
            publish(status.running(clock.instant()));
        }
    }

    private void followConsole() {
        ConsoleTail tail = new ConsoleTail(dir.resolve(QemuCommand.CONSOLE_RAW), 0,
                raw -> ConsoleCleaner.lines(raw).forEach(this::onLine), consoleRawCap);
        tail.replayOlder(); // adopted after a rotation: the older part first (a started run has none)
        try {
            tail.follow(() -> !Adoption.running(handle));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.debugf("console of %s no longer followed", id);
        }
        awaitExit();
        memoryCapHit = jail != null && jail.release();
        if (process != null || jail != null) {
            deletePidFile();
        }
        qmp.drainAndClose(Duration.ofSeconds(1));
        watchdog.close();
        bootBound.close();
        console.close();
        finish();
    }

    private void onLine(String line) {
        lastLine = line;
        console.append(line);
        diagnoser.accept(line);
        watchdog.onLine(line);
        OptionalInt exit = waitStatus(exitDetection, line);
        if (exit.isPresent()) {
            waitStatus = exit.getAsInt();
            if (exitDetection == KernelProfile.ExitDetection.UNIFARM_COMPAT) {
                Watchdog.TIMER.schedule(this::endedButRunning, POWER_OFF_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
            return;
        }
        // Running means the app started: a kernel's log or the syscall trace is not the app (Unikraft's Info: lines)
        List<String> app = ConsoleView.appText(line, consoleKind);
        if (app.isEmpty()) {
            return;
        }
        appStarted = true;
        bootBound.close();
        app.forEach(appLines::addLast);
        while (appLines.size() > KEPT_APP_LINES) {
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
     * instance stays {@code Running} until it is stopped, or ends {@code Failed} if QEMU exits;
     * {@code unifarm-compat} reads the compatibility layer's end line ({@link CompatConsoleProtocol}).
     */
    static OptionalInt waitStatus(KernelProfile.ExitDetection detection, String line) {
        return switch (detection) {
            case LINUX_PANIC -> LinuxConsoleProtocol.waitStatus(line);
            case UNIFARM_COMPAT -> CompatConsoleProtocol.waitStatus(line);
            case NONE -> OptionalInt.empty();
        };
    }

    private void awaitExit() {
        try {
            if (process != null) {
                process.waitFor();
            }
            // an adopted QEMU: the console tail ended because it no longer runs
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void finish() {
        var now = clock.instant();
        StopSequence.Outcome outcome = stopRequested || hungLine != null || gaveUp != null || bootTimeout != null ? stopOutcome() : null;
        // The app exited because the stop pressed the power button (SIGTERM): the stop's end, with the app's code.
        boolean exitedOnPowerButton = waitStatus != null && outcome != null && outcome.endedBy() == StopSequence.Step.POWERDOWN;
        Integer code = waitStatus == null ? null : LinuxConsoleProtocol.exitCode(waitStatus);
        confirmPowerOff(code);
        Optional<Diagnosis> diagnosis = diagnoser.diagnosis();
        if (waitStatus == null && memoryCapHit) {
            Confinement confined = jail.confinement();
            publish(status.finished(InstanceState.Failed, null, "MemoryCapExceeded", "QEMU was killed by its cgroup's memory limit ("
                    + (confined.memoryLimitMiB() == null ? "as set" : confined.memoryLimitMiB() + " MiB") + ", cgroup " + confined.cgroup()
                    + "): the guest and QEMU together touched more memory than the instance may use; only this instance was stopped"
                    + FailureSummary.lastLines(new ArrayList<>(appLines)).map(last -> "; console: " + last).orElse(""), now));
            return;
        }
        if (waitStatus == null && gaveUp != null) {
            publish(status.finished(InstanceState.Failed, null, gaveUp.reason(), gaveUp.message(accel, qemuLog())
                    + (lastLine == null ? "" : "; last console line: \"" + lastLine + "\""), now));
            return;
        }
        if (waitStatus == null && bootTimeout != null) {
            publish(status.finished(InstanceState.Failed, null, "BootTimeout", bootTimeout + " (" + describe(outcome) + ")", now));
            return;
        }
        if (hungLine != null && (waitStatus == null || exitedOnPowerButton)) {
            // The VM had to be stopped: a diagnosed failure keeps its diagnosis as the reason (the message says
            // the VM was stopped); Hung is for a fatal line no signature explains.
            String stopped = "the VM did not exit within " + lifecycle.watchdogGrace() + " of \"" + hungLine
                    + "\" and was stopped; " + describe(outcome);
            publish(diagnosis.map(d -> status.finished(InstanceState.Failed, code, d.reason(), d.message() + " (" + stopped + ")", now))
                    .orElseGet(() -> status.finished(InstanceState.Failed, code, "Hung", hungLine + " (no exit within "
                            + lifecycle.watchdogGrace() + " of this line; " + describe(outcome) + ")", now)));
            return;
        }
        // An app that ended by itself (its exit is on the console) keeps its own outcome even if a
        // stop was asked for at the same moment.
        if (stopRequested && (waitStatus == null || exitedOnPowerButton)) {
            String what = waitStatus == null ? "" : "the app exited with code " + code + " after the power button; ";
            publish(status.finished(InstanceState.Stopped, code, outcome == null ? "Stopped" : outcome.endedBy().reason,
                    stoppedBy + ": " + what + describe(outcome), now));
            return;
        }
        if (waitStatus == null) {
            List<String> guest = qmp.guestEvents();
            String end = exitDescription() + " before the app ended" + (guest.isEmpty() ? "" : " (guest: " + String.join(", ", guest) + ")");
            publish(diagnosis.map(d -> status.finished(InstanceState.Failed, null, d.reason(), d.message() + " (" + end + ")", now))
                    .orElseGet(() -> status.finished(InstanceState.Failed, null, GuestEnd.reason(guest), end + ": " + qemuLogTail()
                            + FailureSummary.lastLines(new ArrayList<>(appLines)).map(last -> "; console: " + last).orElse(""), now)));
            return;
        }
        publish(AppEnd.of(status, waitStatus, diagnosis, new ArrayList<>(appLines), now));
    }

    /**
     * The compatibility layer powered the VM off with the code it printed: QEMU's exit status says the
     * same ({@link CompatConsoleProtocol#qemuExitStatus}); a difference is logged, the console line wins.
     */
    private void confirmPowerOff(Integer code) {
        if (exitDetection != KernelProfile.ExitDetection.UNIFARM_COMPAT || code == null || process == null || process.isAlive()) {
            return;
        }
        int expected = CompatConsoleProtocol.qemuExitStatus(code);
        if (process.exitValue() != expected) {
            LOG.warnf("%s: the app's end line says exit code %d but QEMU exited %d, not %d (isa-debug-exit)", id, code,
                    process.exitValue(), expected);
        }
    }

    /**
     * Stops QEMU with the {@link StopSequence} (powerdown, quit, kill) and returns once it is gone (or
     * the sequence gave up). The console thread then records the end as {@code Stopped}, saying which
     * step ended it.
     */
    void stop() {
        stop(lifecycle.powerdownWait());
    }

    /** {@link #stop()} giving the guest {@code powerdownWait} after the power button. */
    void stop(Duration powerdownWait) {
        stop(powerdownWait, ON_REQUEST);
    }

    /** {@link #stop(Duration)}; a Stopped end's message starts with {@code stoppedBy}. */
    void stop(Duration powerdownWait, String stoppedBy) {
        this.stoppedBy = stoppedBy;
        stopRequested = true;
        stopTiming = lifecycle.withPowerdownWait(powerdownWait);
        runStopSequence();
    }

    private synchronized void runStopSequence() {
        if (stopOutcome.isDone()) {
            return;
        }
        ProcessHandle qemu = handle;
        if (qemu == null) {
            stopOutcome.complete(new StopSequence.Outcome(StopSequence.Step.GONE, List.of("QEMU never started"), List.of()));
            return;
        }
        // by pid: works alike for our child and for an adopted QEMU (see StopSequence)
        stopOutcome.complete(new StopSequence(id, qemu, SocketPaths.forConnecting(qmpSocket()), stopTiming,
                event -> LOG.infof("%s: QMP event %s", id, event.describe()), qmp).run());
    }

    /** The watchdog fired: the VM printed {@code line} and did not end in time. */
    private void hung(String line) {
        if (stopRequested) {
            // a stop asked for earlier is under way (e.g. a traced run printing its trace): it decides the end
            return;
        }
        LOG.warnf("%s: no exit within %s of the fatal line \"%s\"; stopping it", id, lifecycle.watchdogGrace(), line);
        hungLine = line;
        Thread stopper = new Thread(this::runStopSequence, "hung-" + id);
        stopper.setDaemon(true);
        stopper.start();
    }

    /** The app's end line came {@link #POWER_OFF_GRACE} ago and QEMU still runs: stop it; the end stays the app's. */
    private void endedButRunning() {
        ProcessHandle qemu = handle;
        if (stopRequested || stopOutcome.isDone() || qemu == null || !qemu.isAlive()) {
            return;
        }
        LOG.warnf("%s: the app ended (compatibility layer's line) but the VM did not power off within %s; stopping it", id,
                POWER_OFF_GRACE);
        stopAtOnce("ended-");
    }

    /** The boot bound passed and the app has printed nothing: stop the VM, the end is {@code BootTimeout}. */
    private void bootExpired() {
        if (stopRequested || appStarted || status.state() != InstanceState.Booting) {
            return;
        }
        String last = lastLine;
        bootTimeout = "no app output within " + bootBound.bound() + " under " + accel + "; last console line: "
                + (last == null ? "none (the guest printed nothing)" : "\"" + last + "\"");
        LOG.warnf("%s: %s; stopping it", id, bootTimeout);
        stopAtOnce("boot-timeout-");
    }

    /** QEMU stopped the guest for good: nothing more will come, so stop QEMU and say why. */
    private void qemuGaveUp(QemuGaveUp why) {
        if (stopRequested) {
            return;
        }
        gaveUp = why;
        stopAtOnce("gave-up-");
    }

    /** Stops QEMU in the background without waiting on the power button (the guest cannot answer it). */
    private void stopAtOnce(String threadPrefix) {
        stopTiming = lifecycle.withPowerdownWait(Duration.ZERO);
        Thread stopper = new Thread(this::runStopSequence, threadPrefix + id);
        stopper.setDaemon(true);
        stopper.start();
    }

    private static String describe(StopSequence.Outcome outcome) {
        return outcome == null ? "stop sequence did not report" : outcome.describe();
    }

    /** The stop sequence's outcome once it has reported (bounded wait), or null. */
    private StopSequence.Outcome stopOutcome() {
        try {
            Lifecycle timing = stopTiming;
            return stopOutcome.get(timing.powerdownWait().plus(timing.quitWait().multipliedBy(2))
                    .plus(timing.qmpTimeout().multipliedBy(3)).toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException e) {
            return null;
        }
    }

    /** A child's exit code is known; an adopted QEMU is not our child, so its code is not. */
    private String exitDescription() {
        return process != null ? "QEMU exited with code " + process.exitValue()
                : "QEMU (adopted, pid " + handle.pid() + ") exited";
    }

    /** QEMU is gone: its pid file goes too (a later pid of that number is not it). */
    private void deletePidFile() {
        try {
            Files.deleteIfExists(dir.resolve(PID_FILE));
        } catch (IOException e) {
            LOG.warnf("cannot delete the pid file of %s: %s", id, e.getMessage());
        }
    }

    private List<String> qemuLog() {
        try {
            // leniently decoded: QEMU's register dump may carry any byte
            return new String(Files.readAllBytes(dir.resolve("qemu.log")), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private String qemuLogTail() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("qemu.log"));
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
