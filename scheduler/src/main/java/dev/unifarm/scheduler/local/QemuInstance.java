package dev.unifarm.scheduler.local;

import dev.unifarm.imager.model.CommandLineKind;
import dev.unifarm.imager.model.KernelProfile;
import dev.unifarm.scheduler.Accelerator;
import dev.unifarm.scheduler.Activation;
import dev.unifarm.scheduler.AdoptRequest;
import dev.unifarm.scheduler.Confinement;
import dev.unifarm.scheduler.InstanceListener;
import dev.unifarm.scheduler.InstanceState;
import dev.unifarm.scheduler.InstanceStatus;
import dev.unifarm.scheduler.LaunchRequest;
import dev.unifarm.scheduler.Lifecycle;
import dev.unifarm.scheduler.console.ConsoleBuffer;
import dev.unifarm.scheduler.console.ConsoleCleaner;
import dev.unifarm.scheduler.console.ConsoleTail;
import dev.unifarm.scheduler.console.LinuxConsoleProtocol;
import dev.unifarm.scheduler.local.containment.Jail;
import dev.unifarm.scheduler.qmp.QmpMonitor;
import dev.unifarm.scheduler.qmp.SocketPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Supervises one QEMU process ({@link QemuProcess}): follows its serial console (the raw file QEMU
 * writes itself, see {@link ConsoleTail}; what it says of the app: {@link AppOutput}), moves the
 * instance through its states, and stops it ({@link StopControl}) when asked or when the run cannot
 * end by itself. Once QEMU is gone it gathers the run's {@link RunFacts} and publishes the end
 * {@link RunEnd} makes of them. The process is one this instance started, or one a previous farm
 * process started and this one adopted ({@link #adopted}).
 */
final class QemuInstance {

    private static final Logger LOG = Logger.getLogger(QemuInstance.class);
    static final String QMP_SOCKET = Jail.VM_DIR + "/qmp.sock";
    /**
     * After the compatibility layer's end line QEMU exits at once (isa-debug-exit); one still running this
     * long after it (no such device, e.g. an adopted QEMU of an older farm) is stopped: the app has ended.
     */
    static final Duration POWER_OFF_GRACE = Duration.ofSeconds(5);

    private final String id;
    private final Path dir;
    /** Null when adopted: an adopted QEMU keeps the command line and port forward it was started with. */
    private final LaunchRequest request;
    private final LocalOptions options;
    private final Accelerator accel;
    private final InstanceListener listener;
    private final Clock clock;
    private final Lifecycle lifecycle;
    private final KernelProfile.ExitDetection exitDetection;
    private final ConsoleBuffer console;
    /** What the console says of the app: its lines, its end, the diagnoser's evidence. */
    private final AppOutput output;
    private final Watchdog watchdog;
    private final BootBound bootBound;
    private final StopControl stop;
    /** What the run does beyond a boot: take a snapshot once ready, or restore one before the readiness probe. */
    private final ActivationRun activation;
    /** QEMU's QMP connection for the whole run: events recorded, the stop's commands sent on it. */
    private volatile QmpMonitor qmp;
    private volatile InstanceStatus status;
    /** Null until QEMU started (or when adopted: set at once). */
    private volatile QemuProcess qemu;
    /** The app's port forward, or null for an app without a port (then Running = first app output). */
    private PortForward forward;
    /** This run's containment: set when QEMU starts or is adopted, released once it is gone. */
    private volatile Jail jail;
    /** Set when the instance's cgroup's OOM killer ended QEMU: its memory cap, not the host, stopped it. */
    private volatile boolean memoryCapHit;

    private QemuInstance(String id, Path dir, LaunchRequest request, Accelerator accel, KernelProfile.ExitDetection exitDetection,
            CommandLineKind consoleKind, LocalOptions options, InstanceListener listener, InstanceStatus status, ConsoleBuffer console) {
        this.id = id;
        this.dir = dir;
        this.request = request;
        this.options = options;
        this.accel = accel;
        this.listener = listener;
        this.clock = options.clock();
        this.lifecycle = options.lifecycle();
        this.stop = new StopControl(id, lifecycle, qmpSocket(), this::handle, () -> qmp);
        this.watchdog = new Watchdog(lifecycle.watchdogGrace(), stop::hung);
        this.bootBound = new BootBound(lifecycle.bootTimeout(), this::bootExpired);
        this.exitDetection = exitDetection;
        this.output = new AppOutput(exitDetection, consoleKind);
        this.console = console;
        this.status = status;
        this.activation = new ActivationRun(id, request == null ? Activation.BOOT : request.activation(), dir, clock, lifecycle.qmpTimeout());
    }

    /** A run to start ({@link #start()}) of {@code request}, as {@code options} say; {@code Pending} until then. */
    QemuInstance(LaunchRequest request, LocalOptions options, InstanceListener listener) {
        this(request.instanceId(), request.instanceDir(), request, options.accel(), request.image().manifest().boot().exitDetection(),
                request.image().manifest().boot().commandLineKind(), options, listener,
                InstanceStatus.pending(request.instanceId(), options.node(), options.clock().instant()),
                ConsoleBuffer.inInstanceDir(request.instanceDir()));
    }

    /**
     * Supervises a QEMU a previous farm process started: keeps the recorded status (state and
     * timestamps) and follows the console file from its start, so the app lines that explain a later
     * failure, an exit already on the console, and {@code console.log} are what they would have been
     * had the farm never stopped. Call {@link #followInBackground()} once it is tracked.
     */
    static QemuInstance adopted(AdoptRequest adopt, ProcessHandle qemu, LocalOptions options, InstanceListener listener) {
        QemuInstance instance = new QemuInstance(adopt.instanceId(), adopt.instanceDir(), null, adopt.recorded().accel(),
                adopt.exitDetection(), adopt.consoleKind(), options, listener, adopt.recorded(),
                ConsoleBuffer.rebuiltInInstanceDir(adopt.instanceDir(), adopt.instanceId()));
        instance.jail = options.containment().adopted(adopt.instanceId(), adopt.instanceDir());
        instance.qemu = QemuProcess.adopted(adopt.instanceDir(), qemu);
        return instance;
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
        QemuLaunch.Started started;
        try {
            started = QemuLaunch.start(request, options, accel);
        } catch (IOException e) {
            console.close();
            publish(status.finished(InstanceState.Failed, null, "StartFailed", e.getMessage(), clock.instant()));
            throw e;
        }
        jail = started.jail();
        forward = started.forward();
        qemu = started.qemu();
        if (forward != null) {
            status = status.withEndpoint(forward.endpoint());
        }
        publish(status.booting(accel, clock.instant()));
        followInBackground();
    }

    void followInBackground() {
        qmp = new QmpMonitor(id, SocketPaths.forConnecting(qmpSocket()), lifecycle.qmpTimeout());
        qmp.watchRunState(stop::gaveUp);
        if (status.state() == InstanceState.Booting && !activation.restores()) {
            bootBound.arm(); // a started run, or one adopted before its app printed (a restored app printed long ago)
        }
        qmp.connectInBackground(() -> Adoption.running(handle()));
        Thread reader = new Thread(this::followConsole, "console-" + id);
        reader.setDaemon(true);
        reader.start();
        if (forward != null) {
            activation.thenProbe(qmp, () -> Adoption.running(handle()), this::stopAfterActivationFailed, () -> ReadinessProbe.inBackground(
                    "readiness-" + id, forward, request.readinessPath(), () -> Adoption.running(handle()) && status.state() == InstanceState.Booting,
                    this::ready));
        }
    }

    private void stopAfterActivationFailed() {
        stop.request(Duration.ZERO, "stopped as its " + request.activation().mode() + " failed");
    }

    /** Booting → Running, unless the instance ended meanwhile. */
    private synchronized void ready() {
        bootBound.close();
        if (status.state() == InstanceState.Booting) {
            publish(status.running(clock.instant()));
            activation.onRunning(qmp, jail.confinement(), this::stopAfterActivationFailed);
        }
    }

    private void followConsole() {
        ConsoleTail tail = new ConsoleTail(dir.resolve(Jail.CONSOLE_RAW), 0,
                raw -> ConsoleCleaner.lines(raw).forEach(this::onLine), options.consoleRawCapBytes());
        tail.replayOlder(); // adopted after a rotation: the older part first (a started run has none)
        try {
            tail.follow(() -> !Adoption.running(handle()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.debugf("console of %s no longer followed", id);
        }
        qemu.awaitExit();
        memoryCapHit = jail != null && jail.release();
        if (jail != null) { // set for every QEMU this instance started or adopted
            QemuProcess.deletePidFile(dir, id);
        }
        qmp.drainAndClose(Duration.ofSeconds(1));
        watchdog.close();
        bootBound.close();
        console.close();
        finish();
    }

    private void onLine(String line) {
        console.append(line);
        watchdog.onLine(line);
        switch (output.accept(line)) {
            case EXIT -> {
                if (exitDetection == KernelProfile.ExitDetection.UNIFARM_COMPAT) {
                    Watchdog.TIMER.schedule(() -> stop.endedButRunning(POWER_OFF_GRACE), POWER_OFF_GRACE.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
            case APP -> {
                // Running means the app started: a kernel's log or the syscall trace is not the app (Unikraft's Info: lines)
                bootBound.close();
                if (forward == null) {
                    ready();
                }
            }
            case OTHER -> {
            }
        }
    }

    /** Gathers what the run saw and publishes the end {@link RunEnd} makes of it. */
    private void finish() {
        Integer waitStatus = output.waitStatus();
        StopSequence.Outcome outcome = stop.outcomeIfRun();
        if (exitDetection == KernelProfile.ExitDetection.UNIFARM_COMPAT && waitStatus != null) {
            qemu.confirmPowerOff(id, LinuxConsoleProtocol.exitCode(waitStatus));
        }
        boolean qemuEnded = waitStatus == null; // QEMU's own words matter only when the app's end is not on the console
        RunFacts facts = new RunFacts(waitStatus, stop.requested(), stop.stoppedBy(), outcome, stop.hungLine(), lifecycle.watchdogGrace(),
                stop.bootTimeout(), stop.gaveUp(), accel, qemuEnded && stop.gaveUp() != null ? QemuProcess.log(dir) : List.of(),
                qemuEnded ? QemuProcess.logTail(dir) : "", output.lastLine(), memoryCapHit, jail == null ? null : jail.confinement(),
                output.diagnosis(), output.appLines(), qemuEnded ? qemu.exitDescription() : "", qmp.guestEvents());
        publish(activation.end(status, stop.requested(), QemuProcess.logTail(dir), clock.instant())
                .orElseGet(() -> RunEnd.of(status, facts, clock.instant())));
    }

    /**
     * Stops QEMU with the {@link StopSequence} (powerdown, then {@code powerdownWait}; quit, kill) and
     * returns once it is gone (or the sequence gave up). The console thread then records the end as
     * {@code Stopped}, its message starting with {@code stoppedBy}, saying which step ended it.
     */
    void stop(Duration powerdownWait, String stoppedBy) {
        stop.request(powerdownWait, stoppedBy);
    }

    /** QEMU's process handle, null until it started. */
    private ProcessHandle handle() {
        QemuProcess started = qemu;
        return started == null ? null : started.handle();
    }

    /** The boot bound passed and the app has printed nothing: stop the VM, the end is {@code BootTimeout}. */
    private void bootExpired() {
        if (stop.requested() || output.appStarted() || status.state() != InstanceState.Booting) {
            return;
        }
        String last = output.lastLine();
        stop.bootTimedOut("no app output within " + bootBound.bound() + " under " + accel + "; last console line: "
                + (last == null ? "none (the guest printed nothing)" : "\"" + last + "\""));
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
