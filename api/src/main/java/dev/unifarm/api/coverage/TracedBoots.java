package dev.unifarm.api.coverage;

import dev.unifarm.api.apps.AppService;
import dev.unifarm.api.apps.AppSpec;
import dev.unifarm.api.apps.AppSpecParser;
import dev.unifarm.api.apps.RevisionRepository;
import dev.unifarm.api.apps.RevisionState;
import dev.unifarm.api.builds.ImageRecipe;
import dev.unifarm.api.config.SchedulerMode;
import dev.unifarm.api.config.UnifarmConfig;
import dev.unifarm.api.farm.FarmDirs;
import dev.unifarm.api.farm.KernelProfiles;
import dev.unifarm.api.instances.InstanceService;
import dev.unifarm.api.problem.ProblemException;
import dev.unifarm.imager.Imager;
import dev.unifarm.imager.model.CommandLineKind;
import dev.unifarm.imager.model.Image;
import dev.unifarm.imager.model.KernelProfile;
import dev.unifarm.imager.model.TraceOptions;
import dev.unifarm.scheduler.InstanceState;
import dev.unifarm.scheduler.InstanceStatus;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * What reference runs and needs sweeps share: the checks before one is recorded (a Ready revision, a farm that boots
 * its own QEMU with a Linux kernel file), and building the revision's traced {@code linux} image and booting it as an
 * unrecorded run through {@link InstanceService#startRun}, its statuses told as {@link Phases}.
 */
@ApplicationScoped
class TracedBoots {

    /** The scheduler's reason for a run queued behind busy capacity (its message says needs vs free). */
    private static final String WAITING_FOR_CAPACITY = "WaitingForCapacity";
    private static final Logger LOG = Logger.getLogger(TracedBoots.class);

    /** What a boot's owner is told, on the scheduler's thread: keep each short. */
    interface Phases {
        /** Running (booting, {@code message} null) or Waiting for capacity ({@code message} says what it needs). */
        void unfinished(String state, String message);

        /** The first Running status. */
        void running(InstanceStatus status);

        /** The terminal status. */
        void ended(InstanceStatus end);
    }

    /**
     * What the checks say in their details.
     *
     * @param noun e.g. "a reference run"
     * @param unsupported the 409 type when the farm cannot trace
     */
    record Purpose(String noun, String unsupported) {
    }

    private final AppService apps;
    private final RevisionRepository revisions;
    private final AppSpecParser specs;
    private final ImageRecipe recipe;
    private final Imager imager;
    private final KernelProfiles kernels;
    private final FarmDirs dirs;
    private final InstanceService instances;
    private final UnifarmConfig config;

    TracedBoots(AppService apps, RevisionRepository revisions, AppSpecParser specs, ImageRecipe recipe, Imager imager,
            KernelProfiles kernels, FarmDirs dirs, InstanceService instances, UnifarmConfig config) {
        this.apps = apps;
        this.revisions = revisions;
        this.specs = specs;
        this.recipe = recipe;
        this.imager = imager;
        this.kernels = kernels;
        this.dirs = dirs;
        this.instances = instances;
        this.config = config;
    }

    /** The app's latest revision, which must be Ready (409 revision-not-ready). */
    RevisionRepository.RevisionRow readyRevision(String app, Purpose purpose) {
        int number = apps.get(app).latestRevision();
        RevisionRepository.RevisionRow row = revisions.find(app, number).orElseThrow();
        if (row.state() != RevisionState.Ready) {
            throw ProblemException.conflict("revision-not-ready", "revision " + number + " of " + app + " is " + row.state()
                    + ": " + purpose.noun() + " needs a Ready revision (GET /api/v1/apps/" + app + "/revisions/" + number + ")");
        }
        return row;
    }

    /** The {@code linux} profile with a kernel file, on a farm in local mode (else 409 {@code purpose.unsupported()}). */
    KernelProfile linuxKernel(Purpose purpose) {
        if (config.scheduler().mode() == SchedulerMode.kubernetes) {
            throw ProblemException.conflict(purpose.unsupported(), purpose.noun() + " boots on this farm's own QEMU and the farm"
                    + " runs in kubernetes mode: run the farm in local mode to trace an app");
        }
        return kernels.get(KernelProfiles.DEFAULT).filter(p -> p.commandLine() == CommandLineKind.LINUX)
                .filter(p -> p.kernel() instanceof KernelProfile.KernelLocation.File)
                .orElseThrow(() -> ProblemException.conflict(purpose.unsupported(), purpose.noun() + " needs the \""
                        + KernelProfiles.DEFAULT + "\" kernel profile with a Linux kernel file; configure unifarm.kernels."
                        + KernelProfiles.DEFAULT));
    }

    /** The revision's spec (checked when it was stored). */
    AppSpec spec(RevisionRepository.RevisionRow row) {
        return specs.parse(row.specJson());
    }

    /**
     * Builds the revision's traced image and starts it as run {@code runId} (the spec's args, env and memory); throws
     * when the image cannot be built or started. The build's work dir is gone when this returns.
     */
    void boot(String runId, RevisionRepository.RevisionRow row, AppSpec spec, KernelProfile linux, TraceOptions trace, Phases phases) {
        Path work = dirs.newWorkDir("traced-" + row.app() + "-");
        try {
            Image image = imager.build(recipe.request(spec, row.bundleDigest(), linux, trace, false), work,
                    line -> LOG.debugf("traced run %s: %s", runId, line)).image();
            AtomicBoolean running = new AtomicBoolean();
            // A needs sweep's guest sends the workload to its own loopback, trial after trial: a forwarded port would let the
            // readiness probe in as one more client of the baseline (an app that dies on a hang-up would fail it).
            AppSpec launch = trace.needs() != null ? spec.withoutPort() : spec;
            instances.startRun(row.app(), runId, launch, image, status -> {
                if (status.state().isTerminal()) {
                    phases.ended(status);
                } else if (status.state() == InstanceState.Pending && WAITING_FOR_CAPACITY.equals(status.reason())) {
                    phases.unfinished(ProfileRow.WAITING, status.message());
                } else if (status.state() == InstanceState.Booting) {
                    phases.unfinished(ProfileRow.RUNNING, null);
                } else if (status.state() == InstanceState.Running && running.compareAndSet(false, true)) {
                    phases.running(status);
                }
            });
        } finally {
            FarmDirs.deleteTree(work);
        }
    }
}
