package dev.unifarm.api.instances;

import dev.unifarm.api.farm.DaemonThreads;
import dev.unifarm.api.farm.FarmDirs;
import dev.unifarm.scheduler.InstanceState;
import dev.unifarm.scheduler.InstanceStatus;
import dev.unifarm.scheduler.diagnosis.Diagnosis;
import dev.unifarm.scheduler.diagnosis.FailureDiagnoser;
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
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/**
 * Counts the diagnosis of a failed run whose reason is not one ({@code unifarm_diagnoses_total}): the
 * scheduler files a diagnosed run under its diagnosis, but a run can end under another reason with a
 * known signature on its console — a Unikraft run stopped at its boot bound or by QEMU giving up, a
 * run recorded by an older farm ({@code Hung}), or one ended elsewhere ({@code VmExited}). Its {@code
 * console.log} is diagnosed like a live console ({@link FailureDiagnoser}), off the scheduler's thread
 * (up to 8 MiB), and counted under the diagnosis' reason. Runs whose reason is a diagnosis are counted
 * by {@link InstanceMetrics} itself.
 */
@ApplicationScoped
public class ConsoleDiagnoses {

    private static final Logger LOG = Logger.getLogger(ConsoleDiagnoses.class);

    private final FarmDirs dirs;
    private final InstanceMetrics metrics;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(DaemonThreads.named("console-diagnoses"));

    ConsoleDiagnoses(FarmDirs dirs, InstanceMetrics metrics) {
        this.dirs = dirs;
        this.metrics = metrics;
    }

    void shutdown(@Observes ShutdownEvent event) {
        executor.shutdownNow();
    }

    /** The instance ended: a failure not filed under a diagnosis has its console read in the background. */
    void ended(String app, InstanceStatus end) {
        if (end.state() != InstanceState.Failed || end.reason() != null && FailureDiagnoser.REASONS.contains(end.reason())) {
            return;
        }
        executor.submit(() -> {
            try {
                diagnose(dirs.instance(end.id()).resolve("console.log")).ifPresent(d -> {
                    metrics.diagnosed(app, d.reason());
                    LOG.infof("instance %s of %s ended %s; its console shows %s", end.id(), app, end.reason(), d.reason());
                });
            } catch (IOException | RuntimeException e) {
                LOG.warnf(e, "the console of instance %s of %s was not diagnosed", end.id(), app);
            }
        });
    }

    private static Optional<Diagnosis> diagnose(Path console) throws IOException {
        if (!Files.exists(console)) {
            return Optional.empty();
        }
        FailureDiagnoser diagnoser = new FailureDiagnoser();
        // console.log is UTF-8 text, but a guest may print any bytes: never fail on them
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(Files.newInputStream(console),
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                diagnoser.accept(line);
            }
        }
        return diagnoser.diagnosis();
    }
}
