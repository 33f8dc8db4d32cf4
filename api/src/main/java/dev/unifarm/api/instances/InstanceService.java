package dev.unifarm.api.instances;

import dev.unifarm.api.apps.AppService;
import dev.unifarm.api.apps.AppSpec;
import dev.unifarm.api.apps.Revision;
import dev.unifarm.api.config.SchedulerMode;
import dev.unifarm.api.config.UnifarmConfig;
import dev.unifarm.api.problem.ProblemException;
import dev.unifarm.imager.model.CommandLineKind;
import dev.unifarm.imager.model.Image;
import dev.unifarm.scheduler.Activation;
import dev.unifarm.scheduler.ConsoleView;
import dev.unifarm.scheduler.InstanceListener;
import dev.unifarm.scheduler.InstanceRequest;
import dev.unifarm.scheduler.InstanceStatus;
import dev.unifarm.scheduler.LaunchRequest;
import dev.unifarm.scheduler.RestartPolicy;
import dev.unifarm.scheduler.Scheduler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Starts, stops and reports instances; the scheduler runs them, the repository remembers them. */
@ApplicationScoped
public class InstanceService {

    private final AppService apps;
    private final RevisionImages revisionImages;
    private final Scheduler scheduler;
    private final InstanceRepository instances;
    private final InstanceConsoles consoles;
    private final UnifarmConfig config;
    private final InstanceMetrics metrics;
    private final Event<InstanceEnded> ended;
    private final ConsoleDiagnoses diagnoses;
    private final Clock clock = Clock.systemUTC();
    private final StopReasons stopReasons;
    private final LaunchRecipe launches;

    InstanceService(AppService apps, RevisionImages revisionImages, Scheduler scheduler, InstanceRepository instances,
            InstanceConsoles consoles, UnifarmConfig config, InstanceMetrics metrics, Event<InstanceEnded> ended,
            ConsoleDiagnoses diagnoses, StopReasons stopReasons, LaunchRecipe launches) {
        this.stopReasons = stopReasons;
        this.launches = launches;
        this.metrics = metrics;
        this.diagnoses = diagnoses;
        this.ended = ended;
        this.apps = apps;
        this.revisionImages = revisionImages;
        this.scheduler = scheduler;
        this.instances = instances;
        this.consoles = consoles;
        this.config = config;
    }

    /**
     * Boots the app's latest revision now; returns once QEMU runs ({@code Booting}), or {@code Pending}
     * ({@code WaitingForCapacity}) when the local capacity has no room yet.
     */
    public Instance start(String appName, StartRequest overrides) {
        return start(appName, overrides, ActivationChoice.BOOT);
    }

    /** A start by the farm itself (the gateway): {@code how} may make it a restore of a snapshot instead of a boot. */
    public Instance start(String appName, ActivationChoice how) {
        return start(appName, null, how);
    }

    private Instance start(String appName, StartRequest overrides, ActivationChoice how) {
        AppSpec spec = apps.get(appName).spec();
        Revision revision = revisionImages.latestReady(appName);
        Image image = revisionImages.localOrPulled(appName, revision);
        StartRequest request = overrides == null ? new StartRequest(null, null) : overrides;
        String reference = kubernetes() ? launcherReference(appName, revision, request) : revision.ociReference();
        revisionImages.checkOverrides(image, request);

        Instant requested = clock.instant();
        String id = InstanceIds.next(requested);
        LaunchRequest launch = launches.launch(id, spec, image, request);
        Activation activation = how.choose(id, appName, spec, revision, image, launch);
        instances.insert(id, appName, revision.number(), scheduler.node(), requested, activation.mode());
        metrics.started(appName);
        try {
            launch(appName, launch.withActivation(activation), reference, recorder(appName, revision.number(), requested),
                    RestartPolicy.of(spec.restartPolicy()));
        } catch (RuntimeException e) {
            instances.markFailed(id, "StartFailed", e.getMessage(), clock.instant());
            metrics.refresh();
            throw e;
        }
        return get(id);
    }

    /** Where every start reaches the scheduler: a recorded instance's and an unrecorded run's alike. */
    private void launch(String app, LaunchRequest launch, String reference, InstanceListener listener, RestartPolicy policy) {
        scheduler.start(new InstanceRequest(app, launch, reference), listener, policy);
    }

    /**
     * Boots {@code image} of the app as run {@code id} that the farm keeps no instance record of (a coverage
     * reference run, which has its own record and listener): launched from the spec like every instance, never restarted.
     */
    public void startRun(String app, String id, AppSpec spec, Image image, InstanceListener listener) {
        startRun(app, id, spec, image, listener, Activation.BOOT);
    }

    /** {@link #startRun(String, String, AppSpec, Image, InstanceListener)} begun as {@code how} (a snapshot maker run). */
    public void startRun(String app, String id, AppSpec spec, Image image, InstanceListener listener, Activation how) {
        launch(app, launches.launch(id, spec, image, new StartRequest(null, null)).withActivation(how), null, listener,
                RestartPolicy.Never);
    }

    /** Whether run or instance {@code id} is live on the scheduler (not yet ended). */
    public boolean live(String id) {
        return scheduler.status(id).filter(s -> !s.state().isTerminal()).isPresent();
    }

    /** Stops an unrecorded run (powerdown, then quit), waiting up to {@code wait} for its guest to end by itself. */
    public void stopRun(String id, Duration wait) {
        scheduler.stop(id, wait);
    }

    /**
     * The listener of one instance's statuses, for a start and for an adoption alike: records them,
     * updates the metrics and, at the end, fires {@link InstanceEnded} (observed coverage reads the console) and hands a failure's
     * to {@link ConsoleDiagnoses}.
     */
    public InstanceListener recorder(String app, int revision, Instant requested) {
        return new InstanceRecorder(instances, metrics, ended, diagnoses, app, revision, requested, stopReasons);
    }

    private boolean kubernetes() {
        return config.scheduler().mode() == SchedulerMode.kubernetes;
    }

    /**
     * Kubernetes mode: the launcher Pod pulls the revision's image by digest from the registry, so the
     * push must have worked; it boots the image as built (no per-instance overrides yet).
     */
    private static String launcherReference(String appName, Revision revision, StartRequest request) {
        if (request.args() != null || request.env() != null) {
            throw ProblemException.badRequest("invalid-request", "per-instance args and env are not supported in "
                    + "kubernetes mode yet: put them in the app's spec and upload again, or start with an empty body");
        }
        if (revision.ociReference() == null) {
            throw ProblemException.conflict("image-not-in-registry", "revision " + revision.number() + " of " + appName
                    + " was not pushed to the registry (see its build log), so no launcher Pod can pull it: upload the app again");
        }
        return revision.ociReference();
    }

    /** The record, with what the instance's runner reports right now where it has more to say (a launcher Pod). */
    public Instance get(String id) {
        Instance recorded = record(id);
        Instance current = scheduler.report(id).map(live -> withStatus(recorded, live)).orElse(recorded);
        return scheduler.confinement(id).map(current::withContainment).orElse(current);
    }

    private Instance record(String id) {
        return instances.find(id).orElseThrow(() -> ProblemException.notFound("instance", "there is no instance " + id));
    }

    private static Instance withStatus(Instance i, InstanceStatus s) {
        return new Instance(i.id(), i.app(), i.revision(), s.state(), s.exitCode(), s.restarts(), s.reason(), s.message(),
                s.endpoint(), s.accel() == null ? null : s.accel().name(), s.node(), i.createdAt(), s.startedAt(), s.readyAt(),
                s.finishedAt(), i.activation());
    }

    public List<Instance> list(String app, String after, int limit) {
        return instances.list(app, after, limit);
    }

    /**
     * Stops a live instance (powerdown, quit, kill; a pending restart is cancelled) and returns its
     * final record; ended ones are returned as they are.
     */
    public Instance stop(String id) {
        record(id);
        if (scheduler.stop(id)) {
            awaitTerminal(id, scheduler.stopWait());
        }
        return record(id);
    }

    /**
     * {@link #stop(String)} by the farm itself: the end's message says {@code why} (e.g. {@code "stopped: idle
     * for PT30S (scaling.idleTimeout)"}) where a stop by a user's request says {@code "stopped on request"}.
     */
    public Instance stop(String id, String why) {
        stopReasons.put(id, why);
        try {
            return stop(id);
        } finally {
            // Ended (its end took the why) or never live: nothing will ask for it. Still live: its end will.
            if (scheduler.status(id).isEmpty()) {
                stopReasons.forget(id);
            }
        }
    }

    private void awaitTerminal(String id, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && !record(id).state().isTerminal()) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The console: from memory while the instance is live, else from its console file. */
    public String console(String id) {
        return console(id, ConsoleView.ALL);
    }

    /**
     * One view of the console ({@link ConsoleView}): the shim's trace, the app's output or the
     * kernel's log, told apart as the instance's kernel profile writes them ({@link InstanceConsoles}).
     */
    public String console(String id, ConsoleView view) {
        return consoles.console(record(id), view);
    }

    /** How instance {@code id}'s kernel writes its console (what tells its app's lines from the kernel's). */
    public CommandLineKind consoleKind(String id) {
        return consoles.kind(record(id));
    }

    public Path consoleFile(String id) {
        return consoles.consoleFile(id);
    }
}
