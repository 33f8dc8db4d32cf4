package dev.unifarm.api.coverage;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * At start-up, sets {@code unifarm_syscall_coverage_ratio} from the stored runs: gauges live in the
 * process, so without this a restarted farm would show no coverage until the next run or report.
 * Each app with a finished run gets the ratios its report shows (predicted and observed, per kernel).
 */
@ApplicationScoped
public class CoverageGauges {

    private static final Logger LOG = Logger.getLogger(CoverageGauges.class);

    private final ProfileRepository profiles;
    private final CoverageService coverage;

    CoverageGauges(ProfileRepository profiles, CoverageService coverage) {
        this.profiles = profiles;
        this.coverage = coverage;
    }

    /** Reads finished runs only, so its order against {@link ReferenceRuns}' start-up step (which fails unfinished ones) does not matter. */
    public void atStart(@Observes StartupEvent event) {
        int apps = 0;
        for (String app : profiles.appsWithDoneRuns()) {
            try {
                coverage.report(app, null, null, null, null);
                apps++;
            } catch (RuntimeException e) {
                LOG.warnf(e, "coverage gauges of %s not set at start-up", app);
            }
        }
        if (apps > 0) {
            LOG.infof("coverage gauges set from the stored runs of %d apps", apps);
        }
    }
}
