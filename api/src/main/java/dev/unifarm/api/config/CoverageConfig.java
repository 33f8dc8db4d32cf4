package dev.unifarm.api.config;

import io.smallrye.config.WithDefault;
import java.time.Duration;

/** {@code unifarm.coverage.*}: how long reference runs and needs sweeps go on before they are powered down. */
public interface CoverageConfig {
    /**
     * An app without a port that has not ended this long after its first console line is powered
     * down (SIGTERM to the app): its trace then covers start-up and a few seconds of its work.
     */
    @WithDefault("PT5S")
    Duration referenceSettle();

    /**
     * How long a powered-down reference run gets to end its app, let strace finish and print the
     * trace on the console before {@code quit} (which loses the trace); far above a traced guest's
     * few seconds under TCG, and paid in full only by an app that ignores SIGTERM.
     */
    @WithDefault("PT60S")
    Duration referenceStopWait();

    /** A reference run still going this long after its start is powered down. */
    @WithDefault("PT10M")
    Duration referenceLimit();

    /**
     * A needs sweep's bound: its guest starts no trial after this (the syscalls left stay untried), and a sweep
     * still running this plus two minutes after its start is stopped, keeping what its console reported.
     */
    @WithDefault("PT20M")
    Duration needsLimit();
}
