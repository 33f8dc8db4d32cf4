package dev.unifarm.api.coverage;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * At start-up, sets the needs gauges ({@link NeedsMetrics}) from each app's newest Done sweep: gauges live in the
 * process, so without this a restarted farm would show no needs until the next sweep.
 */
@ApplicationScoped
public class NeedsGauges {

    private static final Logger LOG = Logger.getLogger(NeedsGauges.class);

    private final NeedsResults needs;
    private final NeedsMetrics metrics;

    NeedsGauges(NeedsResults needs, NeedsMetrics metrics) {
        this.needs = needs;
        this.metrics = metrics;
    }

    /** Reads Done sweeps only, so its order against the step that fails unfinished sweeps does not matter. */
    public void atStart(@Observes StartupEvent event) {
        int apps = 0;
        for (NeedsResults.Latest latest : needs.perApp()) {
            metrics.needsFinished(latest.app(), latest.result());
            apps++;
        }
        if (apps > 0) {
            LOG.infof("needs gauges set from the stored sweeps of %d apps", apps);
        }
    }
}
