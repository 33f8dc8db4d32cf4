package dev.unifarm.api.coverage;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unifarm.api.apps.AppSpec;
import dev.unifarm.api.apps.RevisionRepository;
import dev.unifarm.api.config.UnifarmConfig;
import dev.unifarm.api.farm.DaemonThreads;
import dev.unifarm.api.farm.FarmDirs;
import dev.unifarm.api.farm.KernelProfiles;
import dev.unifarm.api.instances.InstanceService;
import dev.unifarm.api.problem.ProblemException;
import dev.unifarm.imager.model.KernelProfile;
import dev.unifarm.imager.model.LinuxSyscalls;
import dev.unifarm.imager.model.NeedsSweep;
import dev.unifarm.imager.model.TraceOptions;
import dev.unifarm.scheduler.ConsoleFileStream;
import dev.unifarm.scheduler.InstanceStatus;
import dev.unifarm.scheduler.coverage.NeedsConsole;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Needs sweeps ({@code POST /api/v1/apps/{name}/coverage/needs}; docs/coverage.md, "What an app really needs"): the
 * latest Ready revision's traced {@code linux} image built with a {@link NeedsSweep} of its reference run's syscalls,
 * booted once ({@link TracedBoots}); its {@code /init} runs the app once per trial and prints a verdict line each,
 * which the farm follows live (progress) and, once the guest powered off, reads into the sweep's classes
 * ({@link NeedsEnding}). One sweep per app at a time; a run still live {@code needs-limit} plus {@link #GRACE} after its
 * start is stopped, keeping what its console reported.
 */
@ApplicationScoped
public class NeedsSweeps {

    static final TracedBoots.Purpose PURPOSE = new TracedBoots.Purpose("a needs sweep", "needs-unsupported");
    /** Past the guest's own limit: its last trial, its power-off and, under TCG, a slow boot. */
    static final Duration GRACE = Duration.ofMinutes(2);
    /** How long a stop waits for the guest to power off by itself before {@code quit}. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);
    private static final Logger LOG = Logger.getLogger(NeedsSweeps.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final TracedBoots boots;
    private final NeedsRepository needs;
    private final ProfileRepository profiles;
    private final NeedsProgress progress;
    private final FarmDirs dirs;
    private final InstanceService instances;
    private final UnifarmConfig config;
    private final ObjectMapper json;
    private final Clock clock = Clock.systemUTC();
    private final ExecutorService executor = Executors.newSingleThreadExecutor(DaemonThreads.named("coverage-needs"));
    private final ExecutorService followers = Executors.newCachedThreadPool(DaemonThreads.named("coverage-needs-console"));
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("coverage-needs-stop"));
    /** Each running sweep's console follower, until its end is read. */
    private final Map<String, Future<?>> following = new ConcurrentHashMap<>();
    /** Why the farm stopped a sweep, by run id, until the sweep ends. */
    private final Map<String, String> stopped = new ConcurrentHashMap<>();

    NeedsSweeps(TracedBoots boots, NeedsRepository needs, ProfileRepository profiles, NeedsProgress progress, FarmDirs dirs,
            InstanceService instances, UnifarmConfig config, ObjectMapper json) {
        this.boots = boots;
        this.needs = needs;
        this.profiles = profiles;
        this.progress = progress;
        this.dirs = dirs;
        this.instances = instances;
        this.config = config;
        this.json = json;
    }

    void atStart(@Observes StartupEvent event) {
        int failed = needs.failUnfinished("the farm stopped during this needs sweep: start another", clock.instant());
        if (failed > 0) {
            LOG.infof("%d unfinished needs sweeps marked Failed", failed);
        }
    }

    void shutdown(@Observes ShutdownEvent event) {
        executor.shutdownNow();
        followers.shutdownNow();
        timer.shutdownNow();
    }

    /** Records a {@code Running} sweep of the app's latest revision and starts it in the background. */
    public synchronized NeedsRow start(String app) {
        RevisionRepository.RevisionRow row = boots.readyRevision(app, PURPOSE);
        KernelProfile linux = boots.linuxKernel(PURPOSE);
        ProfileRow reference = reference(app, row.number());
        needs.all(app).stream().filter(NeedsSweeps::unfinished).findFirst().ifPresent(running -> {
            throw ProblemException.conflict("needs-running", "needs sweep " + running.runId() + " of " + app + " is " + running.state()
                    + ": one sweep per app at a time; follow it with GET /api/v1/apps/" + app + "/coverage/needs/events");
        });
        AppSpec spec = boots.spec(row);
        // strace names an unknown number syscall_0x…: no name to inject
        List<String> names = ProfileJson.read(json, reference.callsJson()).names().stream().filter(LinuxSyscalls::isSyscall).sorted().toList();
        NeedsSweep sweep = new NeedsSweep(names, spec.needsWorkload(), spec.port(), config.coverage().needsLimit());
        String runId = String.format("n-%011x%06x", clock.millis(), RANDOM.nextInt(1 << 24));
        needs.insertRunning(runId, app, row.number(), reference.runId(), NeedsConsole.plannedTrials(names), clock.instant());
        executor.submit(() -> run(runId, row, spec, linux, sweep, names));
        return needs.find(runId).orElseThrow();
    }

    static boolean unfinished(NeedsRow row) {
        return ProfileRow.RUNNING.equals(row.state()) || ProfileRow.WAITING.equals(row.state());
    }

    /** The revision's newest Done reference run: its syscalls are the ones swept. */
    private ProfileRow reference(String app, int revision) {
        return profiles.all(app).stream().filter(r -> r.revision() == revision && ReferenceRuns.SOURCE.equals(r.source())
                        && KernelProfiles.DEFAULT.equals(r.kernel()) && ProfileRow.DONE.equals(r.state())).findFirst()
                .orElseThrow(() -> ProblemException.conflict("reference-run-missing", "revision " + revision + " of " + app
                        + " has no Done reference run, and a needs sweep tries the syscalls it made: POST /api/v1/apps/" + app
                        + "/coverage/reference first and wait for Done"));
    }

    private void run(String runId, RevisionRepository.RevisionRow row, AppSpec spec, KernelProfile linux, NeedsSweep sweep,
            List<String> names) {
        AtomicBoolean over = new AtomicBoolean();
        Duration stopAt = sweep.limit().plus(GRACE);
        following.put(runId, followers.submit(() -> follow(runId, over, stopAt.plus(GRACE))));
        try {
            boots.boot(runId, row, spec, linux, TraceOptions.of(TraceOptions.HOST_STRACE).withNeeds(sweep), new TracedBoots.Phases() {
                @Override
                public void unfinished(String state, String message) {
                    needs.markUnfinished(runId, state, message);
                }

                @Override
                public void running(InstanceStatus status) {
                    // the guest judges its trials itself: nothing to send it
                }

                @Override
                public void ended(InstanceStatus end) {
                    over.set(true);
                    executor.submit(() -> finish(runId, end, names));
                }
            });
            timer.schedule(() -> stop(runId, "still running " + stopAt + " after its start"), stopAt.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            LOG.warnf(e, "needs sweep %s of %s failed", runId, row.app());
            over.set(true);
            following.remove(runId);
            needs.markFailed(runId, "the traced image could not be built or started: " + e.getMessage(), clock.instant());
            progress.finished(runId);
        }
    }

    /** Counts the trial lines as the guest prints them, until the run is over. */
    private void follow(String runId, AtomicBoolean over, Duration limit) {
        TrialLines lines = new TrialLines((trial, done) -> {
            needs.progress(runId, done);
            progress.trial(runId, trial, done);
        });
        try {
            new ConsoleFileStream(dirs.instance(runId).resolve("console.log"), over::get, limit).writeTo(lines);
        } catch (IOException | RuntimeException e) {
            LOG.debugf("following needs sweep %s stopped: %s", runId, e.getMessage());
        }
    }

    /** The scheduler's stop; nothing if the run is over. */
    private void stop(String runId, String because) {
        if (!instances.live(runId)) {
            return;
        }
        stopped.putIfAbsent(runId, because);
        LOG.infof("needs sweep %s: %s; stopping it", runId, because);
        instances.stopRun(runId, STOP_WAIT);
    }

    private void finish(String runId, InstanceStatus end, List<String> names) {
        Path instanceDir = dirs.instance(runId);
        try {
            awaitFollower(runId);
            Path console = instanceDir.resolve("console.log");
            // decoded leniently: the app's own output may not be UTF-8, and a bad byte must not lose the verdicts
            List<String> lines = Files.exists(console) ? new String(Files.readAllBytes(console), StandardCharsets.UTF_8).lines().toList()
                    : List.of();
            NeedsEnding ending = NeedsEnding.of(lines, names, end, stopped.remove(runId));
            lines.stream().filter(line -> line.contains(NeedsConsole.TRIAL) && NeedsConsole.trial(line) == null)
                    .forEach(line -> LOG.warnf("needs sweep %s: a verdict line that cannot be read (its syscall stays untried): %s", runId, line));
            if (ending.done()) {
                needs.markDone(runId, ending.result().trials(), json.writeValueAsString(ending.result()), ending.message(), clock.instant());
                LOG.infof("needs sweep %s: %s", runId, ending.message());
            } else {
                needs.markFailed(runId, ending.message(), clock.instant());
            }
        } catch (IOException | RuntimeException e) {
            LOG.warnf(e, "reading needs sweep %s failed", runId);
            needs.markFailed(runId, "the sweep's console could not be read: " + e.getMessage(), clock.instant());
        } finally {
            progress.finished(runId);
            FarmDirs.deleteTree(instanceDir);
        }
    }

    /** The follower reads to the end once the run is over (within its poll interval); its last trials count. */
    private void awaitFollower(String runId) {
        Future<?> follower = following.remove(runId);
        if (follower == null) {
            return;
        }
        try {
            follower.get(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            follower.cancel(true);
        }
    }
}
