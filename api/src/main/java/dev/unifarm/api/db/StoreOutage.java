package dev.unifarm.api.db;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLNonTransientConnectionException;

/**
 * Tells "the database cannot be reached" (stopped, restarting, network gone) from other failures:
 * the first is the client's to retry (503), the rest are the farm's bugs (500).
 */
public final class StoreOutage {

    private StoreOutage() {
    }

    /** True when {@code failure} or one of its causes says the database is out of reach. */
    public static boolean isOutage(Throwable failure) {
        for (Throwable e = failure; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e instanceof Jdbc.DatabaseException db && db.isUnavailable()) {
                return true;
            }
            if (e instanceof SQLException sql && isConnectionLoss(sql)) {
                return true;
            }
        }
        return false;
    }

    /**
     * SQLState class 08 (connection exception), PostgreSQL's 57P01-57P03 (shut down by the
     * administrator or a crash, or not accepting connections yet), and the JDBC connection exception types.
     */
    static boolean isConnectionLoss(SQLException e) {
        String state = e.getSQLState();
        if (state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03"))) {
            return true;
        }
        return e instanceof SQLTransientConnectionException || e instanceof SQLNonTransientConnectionException
                || e instanceof SQLRecoverableException;
    }
}
