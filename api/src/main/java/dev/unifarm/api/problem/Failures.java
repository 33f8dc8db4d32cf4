package dev.unifarm.api.problem;

import dev.unifarm.api.db.StoreOutage;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;

/**
 * The answer to a failure nothing turned into a problem: 503 {@code store-unavailable} while the
 * database is out of reach (retryable), else 500 {@code internal-error} with an error id. Neither
 * carries the exception's text (it can hold the database's host and port, or SQL); the log does.
 */
public final class Failures {

    public static final String STORE_UNAVAILABLE = "store-unavailable";
    /** A restarting database is typically back within seconds; clients should not hammer it meanwhile. */
    public static final long RETRY_AFTER_SECONDS = 5;

    private Failures() {
    }

    /** @param request what failed, for the log, e.g. {@code GET /api/v1/apps} */
    public static Problem problem(Throwable failure, String request, Logger log) {
        if (StoreOutage.isOutage(failure)) {
            log.warn(request + ": the store is unavailable: " + failure.getMessage());
            return Problem.of(503, STORE_UNAVAILABLE, "Service unavailable", "the store is unavailable, retry later"
                    + " (after Retry-After seconds): the farm cannot reach its database; the farm's log says why");
        }
        String id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        log.error(request + " failed unexpectedly (error " + id + ")", failure);
        return Problem.of(500, "internal-error", "Internal error", "the farm failed unexpectedly (error " + id
                + "); the farm's log has the failure under that error id");
    }
}
