package dev.unifarm.api.coverage;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unifarm.api.apps.RevisionRepository;
import dev.unifarm.api.config.UnifarmConfig;
import dev.unifarm.api.farm.DaemonThreads;
import dev.unifarm.api.farm.FarmDirs;
import dev.unifarm.api.farm.KernelProfiles;
import dev.unifarm.api.instances.InstanceService;
import dev.unifarm.imager.model.KernelProfile;
import dev.unifarm.imager.model.TraceOptions;
import dev.unifarm.scheduler.InstanceStatus;
import dev.unifarm.scheduler.coverage.StraceParser;
import dev.unifarm.scheduler.coverage.StraceTrace;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Coverage reference runs ({@code POST /api/v1/apps/{name}/coverage/reference}): the latest Ready
 * revision is built again as the {@code linux} profile's traced variant ({@link TraceOptions}),
 * booted on the local scheduler through {@link InstanceService} (launched like every instance, but with
 * no instance record) with the spec's args and env, and the strace output its {@code /init} prints on
 * the console once the app ends is parsed and stored as the revision's reference profile.
 * An app with a port is powered down once it has answered one {@code GET /} through its forwarded
 * port; one without a port that has not ended {@code unifarm.coverage.reference-settle} after its
 * first console line is powered down too (and any run after {@code reference-limit}). The power
 * button's SIGTERM reaches the app through the traced {@code /init}, which prints the trace once the
 * app ended; the stop gives it {@code reference-stop-wait} for that. An app that ignores SIGTERM is
 * ended by {@code quit}: no trace, and the run fails saying so. A run the scheduler queues behind busy
 * capacity is {@code Waiting} (its message: what it needs and what is free) until it boots.
 */
@ApplicationScoped
public class ReferenceRuns {

    static final String SOURCE = "reference";
    /**
     * A run whose strace failed syscalls with ENOSYS: how the app fares without them, so neither the
     * revision's reference profile nor the linux kernel's observed coverage.
     */
    static final String INJECTED = "injected";
    private static final TracedBoots.Purpose PURPOSE = new TracedBoots.Purpose("a reference run", "reference-run-unsupported");
    private static final Logger LOG = Logger.getLogger(ReferenceRuns.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final TracedBoots boots;
    private final ProfileRepository profiles;
    private final FarmDirs dirs;
    private final InstanceService instances;
    private final UnifarmConfig config;
    private final CoverageMetrics metrics;
    private final ObjectMapper json;
    private final Clock clock = Clock.systemUTC();
    private final ExecutorService executor = Executors.newSingleThreadExecutor(DaemonThreads.named("coverage-reference"));
    /** Why the farm powered a run down, by run id, until the run ends. */
    private final Map<String, String> poweredDown = new ConcurrentHashMap<>();
    // Two threads: a stop blocks its thread until the guest is gone, and another run's stop may be due meanwhile.
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, DaemonThreads.named("coverage-reference-stop"));

    ReferenceRuns(TracedBoots boots, ProfileRepository profiles, FarmDirs dirs, InstanceService instances, UnifarmConfig config,
            CoverageMetrics metrics, ObjectMapper json) {
        this.boots = boots;
        this.profiles = profiles;
        this.dirs = dirs;
        this.instances = instances;
        this.config = config;
        this.metrics = metrics;
        this.json = json;
    }

    void atStart(@Observes StartupEvent event) {
        int failed = profiles.failUnfinished("the farm stopped during this reference run: start another");
        if (failed > 0) {
            LOG.infof("%d unfinished coverage reference runs marked Failed", failed);
        }
    }

    void shutdown(@Observes ShutdownEvent event) {
        executor.shutdownNow();
        timer.shutdownNow();
    }

    /**
     * Records a {@code Running} reference run of the app's latest revision and starts it in the
     * background; {@code failSyscalls} (checked here, so a bad name is a 400) are failed with ENOSYS by strace.
     */
    public CoverageReport.Run start(String app, List<String> failSyscalls) {
        TraceOptions trace = TraceOptions.of(TraceOptions.HOST_STRACE).failingWithEnosys(failSyscalls);
        RevisionRepository.RevisionRow row = boots.readyRevision(app, PURPOSE);
        KernelProfile linux = boots.linuxKernel(PURPOSE);
        Instant now = clock.instant();
        String runId = String.format("r-%011x%06x", now.toEpochMilli(), RANDOM.nextInt(1 << 24));
        profiles.insertRunning(runId, app, row.number(), KernelProfiles.DEFAULT, trace.failWithEnosys().isEmpty() ? SOURCE : INJECTED, now);
        metrics.referenceStarted(runId);
        executor.submit(() -> run(runId, row, linux, trace));
        return toRun(profiles.find(runId).orElseThrow());
    }

    static CoverageReport.Run toRun(ProfileRow row) {
        return new CoverageReport.Run(row.runId(), row.revision(), row.kernel(), row.source(), row.state(), row.message(),
                row.exitCode(), row.createdAt());
    }

    private void run(String runId, RevisionRepository.RevisionRow row, KernelProfile linux, TraceOptions trace) {
        try {
            boots.boot(runId, row, boots.spec(row), linux, trace, new TracedBoots.Phases() {
                @Override
                public void unfinished(String state, String message) {
                    profiles.markUnfinished(runId, state, message);
                }

                @Override
                public void running(InstanceStatus status) {
                    whenRunning(runId, status);
                }

                @Override
                public void ended(InstanceStatus end) {
                    executor.submit(() -> finish(runId, row.app(), end, trace.failWithEnosys()));
                }
            });
            Duration limit = config.coverage().referenceLimit();
            timer.schedule(() -> powerDown(runId, "still running " + limit + " after its start"), limit.toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            LOG.warnf(e, "reference run %s of %s failed", runId, row.app());
            profiles.markFailed(runId, null, "the traced image could not be built or started: " + e.getMessage());
            ended(runId);
        }
    }

    /**
     * Running: a server (the readiness probe got an answer) gets its one {@code GET /} and is powered
     * down; any other app is powered down if it is still running after the settle time.
     */
    private void whenRunning(String runId, InstanceStatus status) {
        if (status.endpoint() != null) {
            timer.execute(() -> {
                String answer;
                try {
                    answer = "answered GET / with \"" + ReferenceRequest.get(status.endpoint()) + "\"";
                } catch (IOException e) {
                    answer = "GET / failed (" + e.getMessage() + ")";
                }
                powerDown(runId, answer);
            });
            return;
        }
        Duration settle = config.coverage().referenceSettle();
        timer.schedule(() -> powerDown(runId, "still running " + settle + " after its first console line"), settle.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** The scheduler's stop (powerdown, then quit), with time for the guest to print the trace; nothing if the run is over. */
    private void powerDown(String runId, String because) {
        if (!instances.live(runId)) {
            return;
        }
        poweredDown.putIfAbsent(runId, because);
        LOG.infof("reference run %s: %s; powering it down", runId, because);
        instances.stopRun(runId, config.coverage().referenceStopWait());
    }

    private void finish(String runId, String app, InstanceStatus end, List<String> failed) {
        Path instanceDir = dirs.instance(runId);
        ReferenceEnding ending = new ReferenceEnding(end, poweredDown.remove(runId), failed);
        try {
            Path console = instanceDir.resolve("console.log");
            List<String> lines = Files.exists(console) ? Files.readAllLines(console) : List.of();
            StraceTrace trace = StraceParser.fromConsole(lines);
            if (trace.profile().names().isEmpty()) {
                profiles.markFailed(runId, end.exitCode(), ending.untraced());
                return;
            }
            profiles.markDone(runId, end.exitCode(), ProfileJson.write(json, trace.profile()), ending.traced());
            if (!failed.isEmpty()) {
                return; // not the app's coverage: the syscalls it was denied are in its trace as enosys
            }
            metrics.counted(app, trace.profile());
            metrics.ratio(app, KernelProfiles.DEFAULT, "observed", trace.profile().distinctCoverage());
            LOG.infof("reference run %s of %s: %d syscalls, %d calls", runId, app, trace.profile().names().size(),
                    trace.profile().totalCalls());
        } catch (IOException | RuntimeException e) {
            LOG.warnf(e, "reading reference run %s failed", runId);
            profiles.markFailed(runId, end.exitCode(), "the run's console could not be read: " + e.getMessage());
        } finally {
            ended(runId);
            FarmDirs.deleteTree(instanceDir);
        }
    }

    /** The run's end as its record has it, for the metrics (a record not marked ended is not counted). */
    private void ended(String runId) {
        profiles.find(runId).map(ProfileRow::state).filter(state -> ProfileRow.DONE.equals(state) || ProfileRow.FAILED.equals(state))
                .ifPresent(state -> metrics.referenceEnded(runId, state));
    }
}
