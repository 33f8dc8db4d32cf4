package dev.unifarm.api.gateway;

import dev.unifarm.api.db.StoreOutage;
import java.util.Objects;
import org.jboss.logging.Logger;

/**
 * The log of one periodic bookkeeping task: a failure is said when it starts (with its stack when
 * it is not a store outage), not on every round it lasts, and once more when a round works again.
 * The task runs on one thread, so no locking.
 */
final class RoundLog {

    /** The category the gateway's bookkeeping has always logged under. */
    private static final Logger LOG = Logger.getLogger(Activator.class);
    private static final String OUTAGE = "store outage";

    private final String task;
    /** What the failing rounds have failed with, or null while rounds work. */
    private String failing;

    RoundLog(String task) {
        this.task = task;
    }

    void succeeded() {
        if (failing == null) {
            return;
        }
        LOG.info("gateway bookkeeping (" + task + "): " + (failing.equals(OUTAGE) ? "the store is back" : "works again")
                + "; rounds run normally");
        failing = null;
    }

    void failed(RuntimeException e) {
        String kind = StoreOutage.isOutage(e) ? OUTAGE : e.getClass().getName() + ": " + e.getMessage();
        if (Objects.equals(kind, failing)) {
            LOG.debug("gateway bookkeeping (" + task + ") failed again: " + e);
            return;
        }
        failing = kind;
        if (kind.equals(OUTAGE)) {
            LOG.warn("gateway bookkeeping (" + task + "): the store is unavailable (" + e.getMessage() + "); every round"
                    + " retries, and the log says when the store is back");
        } else {
            LOG.warn("gateway bookkeeping (" + task + ") failed; every round retries, the log says when it works again", e);
        }
    }
}
