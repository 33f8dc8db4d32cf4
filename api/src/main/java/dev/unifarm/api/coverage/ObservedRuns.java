package dev.unifarm.api.coverage;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unifarm.api.apps.RevisionKernels;
import dev.unifarm.api.farm.DaemonThreads;
import dev.unifarm.api.farm.FarmDirs;
import dev.unifarm.api.instances.InstanceEnded;
import dev.unifarm.imager.model.CommandLineKind;
import dev.unifarm.imager.model.KernelProfile;
import dev.unifarm.scheduler.InstanceStatus;
import dev.unifarm.scheduler.coverage.ShimTrace;
import dev.unifarm.scheduler.coverage.ShimTraceParser;
import dev.unifarm.scheduler.coverage.SyscallProfile;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/**
 * Observed coverage (docs/coverage.md, "Syscall coverage"): when an instance of a revision built
 * for a Unikraft kernel profile ends (any terminal state), its console — the syscall shim's trace mixed
 * with the app's output — goes through {@link ShimTraceParser} and the calls are stored as an
 * {@code observed} run of (revision, kernel) in {@code syscall_profiles}, under the instance's id, and
 * counted in the syscall metrics. {@code linux} instances have no trace on their console: nothing is
 * stored for them.
 */
@ApplicationScoped
public class ObservedRuns {

    static final String SOURCE = "observed";
    private static final Logger LOG = Logger.getLogger(ObservedRuns.class);

    private final ProfileRepository profiles;
    private final RevisionKernels revisionKernels;
    private final FarmDirs dirs;
    private final CoverageMetrics metrics;
    private final ObjectMapper json;
    private final Clock clock = Clock.systemUTC();
    /** Parsing a console of up to 8 MiB is kept off the scheduler's thread, which reports every instance's states. */
    private final ExecutorService executor = Executors.newSingleThreadExecutor(DaemonThreads.named("coverage-observed"));

    ObservedRuns(ProfileRepository profiles, RevisionKernels revisionKernels, FarmDirs dirs, CoverageMetrics metrics, ObjectMapper json) {
        this.profiles = profiles;
        this.revisionKernels = revisionKernels;
        this.dirs = dirs;
        this.metrics = metrics;
        this.json = json;
    }

    void shutdown(@Observes ShutdownEvent event) {
        executor.shutdownNow();
    }

    /** Every instance that ends, as the instances' recorder reports it. */
    void onEnded(@Observes InstanceEnded ended) {
        ended(ended.app(), ended.revision(), ended.status());
    }

    /** The instance ended: its console is read in the background (the console file is complete by now). */
    public void ended(String app, int revision, InstanceStatus end) {
        executor.submit(() -> record(app, revision, end));
    }

    private void record(String app, int revision, InstanceStatus end) {
        try {
            Optional<KernelProfile> kernel = revisionKernels.profile(app, revision);
            if (kernel.isEmpty() || kernel.get().commandLine() != CommandLineKind.UNIKRAFT
                    || profiles.find(end.id()).isPresent()) {
                return;
            }
            ShimTrace trace = parse(dirs.instance(end.id()).resolve("console.log"));
            SyscallProfile profile = trace.profile();
            String name = kernel.get().name();
            if (profile.names().isEmpty()) {
                profiles.insertFinished(end.id(), app, revision, name, SOURCE, ProfileRow.FAILED, end.exitCode(), null,
                        NoTrace.message(trace, name, end), clock.instant());
                return;
            }
            profiles.insertFinished(end.id(), app, revision, name, SOURCE, ProfileRow.DONE, end.exitCode(),
                    ProfileJson.write(json, profile), null, clock.instant());
            metrics.counted(app, profile);
            metrics.ratio(app, name, "observed", profile.distinctCoverage());
            LOG.infof("instance %s of %s on %s: observed %d syscalls, %d calls (%d cut)", end.id(), app, name, profile.names().size(),
                    profile.totalCalls(), trace.cutCalls().size());
        } catch (IOException | RuntimeException e) {
            LOG.warnf(e, "observed coverage of instance %s of %s not recorded", end.id(), app);
        }
    }

    /** The console file line by line: it can be 8 MiB, the parser keeps only what it found. */
    private static ShimTrace parse(Path console) throws IOException {
        ShimTraceParser parser = new ShimTraceParser();
        if (Files.exists(console)) {
            // console.log is UTF-8 text, but a guest may print any bytes: never fail on them
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(Files.newInputStream(console),
                    StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    parser.acceptLine(line);
                }
            }
        }
        return parser.finish();
    }
}
