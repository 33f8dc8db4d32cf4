package dev.unifarm.api.instances;

import dev.unifarm.api.apps.AppService;
import dev.unifarm.api.apps.AppSpec;
import dev.unifarm.api.apps.Revision;
import dev.unifarm.api.apps.RevisionKernels;
import dev.unifarm.api.apps.RevisionState;
import dev.unifarm.api.config.UnifarmConfig;
import dev.unifarm.api.farm.FarmDirs;
import dev.unifarm.api.farm.FarmRegistry;
import dev.unifarm.api.problem.ProblemException;
import dev.unifarm.imager.Images;
import dev.unifarm.imager.model.CommandLineKind;
import dev.unifarm.imager.model.Image;
import dev.unifarm.imager.model.ImagerException;
import dev.unifarm.imager.model.KernelProfile;
import dev.unifarm.scheduler.ConsoleView;
import dev.unifarm.scheduler.InstanceListener;
import dev.unifarm.scheduler.InstanceRequest;
import dev.unifarm.scheduler.InstanceStatus;
import dev.unifarm.scheduler.LaunchRequest;
import dev.unifarm.scheduler.RestartPolicy;
import dev.unifarm.scheduler.Scheduler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Starts, stops and reports instances; the scheduler runs them, the repository remembers them. */
@ApplicationScoped
public class InstanceService {

    private static final String CONSOLE_FILE = "console.log";

    private final AppService apps;
    private final Images images;
    private final Scheduler scheduler;
    private final InstanceRepository instances;
    private final FarmDirs dirs;
    private final FarmRegistry registry;
    private final UnifarmConfig config;
    private final InstanceMetrics metrics;
    private final Event<InstanceEnded> ended;
    private final ConsoleDiagnoses diagnoses;
    private final RevisionKernels revisionKernels;
    private final Clock clock = Clock.systemUTC();
    private final StopReasons stopReasons;
    private final LaunchRecipe launches;

    InstanceService(AppService apps, Images images, Scheduler scheduler, InstanceRepository instances, FarmDirs dirs,
            FarmRegistry registry, UnifarmConfig config, InstanceMetrics metrics, Event<InstanceEnded> ended,
            RevisionKernels revisionKernels, ConsoleDiagnoses diagnoses, StopReasons stopReasons, LaunchRecipe launches) {
        this.stopReasons = stopReasons;
        this.launches = launches;
        this.metrics = metrics;
        this.diagnoses = diagnoses;
        this.ended = ended;
        this.revisionKernels = revisionKernels;
        this.apps = apps;
        this.images = images;
        this.scheduler = scheduler;
        this.instances = instances;
        this.dirs = dirs;
        this.registry = registry;
        this.config = config;
    }

    /**
     * Boots the app's latest revision now; returns once QEMU runs ({@code Booting}), or {@code Pending}
     * ({@code WaitingForCapacity}) when the local capacity has no room yet.
     */
    public Instance start(String appName, StartRequest overrides) {
        AppSpec spec = apps.get(appName).spec();
        Revision revision = latestReadyRevision(appName);
        Image image = localOrPulled(appName, revision);
        StartRequest request = overrides == null ? new StartRequest(null, null) : overrides;
        String reference = kubernetes() ? launcherReference(appName, revision, request) : revision.ociReference();
        // Render once now so bad overrides are a 400 here, not a failed boot later.
        images.checkOverrides(image, request.args(), request.env());

        Instant requested = clock.instant();
        String id = InstanceIds.next(requested);
        instances.insert(id, appName, revision.number(), scheduler.node(), requested);
        metrics.started(appName);
        try {
            launch(appName, launches.launch(id, spec, image, request), reference, recorder(appName, revision.number(), requested),
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
        launch(app, launches.launch(id, spec, image, new StartRequest(null, null)), null, listener, RestartPolicy.Never);
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
        return config.scheduler().mode() == UnifarmConfig.SchedulerMode.kubernetes;
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

    /**
     * The revision's image from the store; when its files are gone and a registry holds it, pulled
     * back by OCI digest first (synchronously: the start waits for the pull).
     */
    private Image localOrPulled(String appName, Revision revision) {
        Optional<Image> local = images.image(revision.imageDigest()).filter(images::complete);
        if (local.isPresent()) {
            return local.get();
        }
        String missing = "the image " + revision.imageDigest() + " of " + appName + " revision " + revision.number()
                + " is not (completely) in the store";
        if (!registry.configured() || revision.ociDigest() == null || revision.ociReference() == null) {
            throw ProblemException.conflict("image-missing", missing + " and no registry holds it: upload the app again");
        }
        try {
            Image pulled = registry.pull(appName, revision.ociDigest());
            if (!pulled.digest().equals(revision.imageDigest())) {
                throw ProblemException.conflict("image-missing", missing + "; the registry's " + revision.ociReference()
                        + " holds image " + pulled.digest() + " instead");
            }
            return pulled;
        } catch (ImagerException e) {
            throw ProblemException.conflict("image-missing", missing + " and pulling " + revision.ociReference() + " failed: "
                    + e.getMessage());
        }
    }

    private Revision latestReadyRevision(String appName) {
        Revision revision = apps.revision(appName, apps.get(appName).latestRevision());
        if (revision.state() == RevisionState.Failed) {
            throw ProblemException.conflict("revision-failed", "revision " + revision.number() + " of " + appName
                    + " failed to build: " + revision.message() + " — fix it and upload again");
        }
        if (revision.state() != RevisionState.Ready) {
            throw ProblemException.conflict("revision-not-ready", "revision " + revision.number() + " of " + appName + " is "
                    + revision.state() + "; start instances once GET /api/v1/apps/" + appName + "/revisions/"
                    + revision.number() + " says Ready");
        }
        return revision;
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
                s.finishedAt());
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
     * One view of the console ({@link ConsoleView}): on a Unikraft kernel profile the shim's trace, the
     * app's output and the kernel's log are told apart by the trace parser; on {@code linux} there is
     * no trace and the app's lines are those that are not the kernel's or the firmware's.
     */
    public String console(String id, ConsoleView view) {
        Instance instance = record(id);
        Optional<List<String>> live = scheduler.console(id);
        String text;
        if (live.isPresent()) {
            text = live.get().isEmpty() ? "" : String.join("\n", live.get()) + "\n";
        } else {
            Path file = consoleFile(id);
            try {
                text = Files.exists(file) ? Files.readString(file) : "";
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (view == ConsoleView.ALL) {
            return text;
        }
        List<String> lines = view.select(text.lines().toList(), kind(instance));
        return lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
    }

    /** How instance {@code id}'s kernel writes its console (what tells its app's lines from the kernel's). */
    public CommandLineKind consoleKind(String id) {
        return kind(record(id));
    }

    /** How the instance's kernel writes its console: its revision's profile's command-line kind ({@code linux} when unknown). */
    private CommandLineKind kind(Instance instance) {
        return revisionKernels.profile(instance.app(), instance.revision()).map(KernelProfile::commandLine)
                .orElse(CommandLineKind.LINUX);
    }

    public Path consoleFile(String id) {
        return dirs.instance(id).resolve(CONSOLE_FILE);
    }
}
