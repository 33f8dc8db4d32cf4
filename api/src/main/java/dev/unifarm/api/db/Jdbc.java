package dev.unifarm.api.db;

import io.agroal.api.AgroalDataSource;
import io.quarkus.arc.InjectableInstance;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Plain JDBC over the Agroal pool: the schema is small and must run unchanged on H2 and PostgreSQL,
 * so SQL stays visible. Connections join the caller's JTA transaction when there is one.
 */
@ApplicationScoped
public class Jdbc {

    /** Maps the current row of a result set. */
    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    private final AgroalDataSource dataSource;

    /**
     * Two datasources are built in, H2 (default) and {@code postgresql}; configuration activates
     * exactly one at run time (db-kind is fixed at build time, activity is not), and this is it.
     */
    Jdbc(@Any InjectableInstance<AgroalDataSource> dataSources) {
        this.dataSource = dataSources.getActive();
    }

    public <T> List<T> query(String sql, RowMapper<T> mapper, Object... params) {
        try (Connection connection = connect(sql);
                PreparedStatement statement = prepare(connection, sql, params);
                ResultSet rows = statement.executeQuery()) {
            List<T> result = new ArrayList<>();
            while (rows.next()) {
                result.add(mapper.map(rows));
            }
            return result;
        } catch (SQLException e) {
            throw new DatabaseException(sql, e);
        }
    }

    public <T> Optional<T> queryOne(String sql, RowMapper<T> mapper, Object... params) {
        List<T> rows = query(sql, mapper, params);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    /** Runs an INSERT/UPDATE/DELETE and returns the number of rows changed. */
    public int update(String sql, Object... params) {
        try (Connection connection = connect(sql); PreparedStatement statement = prepare(connection, sql, params)) {
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new DatabaseException(sql, e);
        }
    }

    /** No connection from the pool means the database is out of reach, whatever the driver's SQLState says. */
    private Connection connect(String sql) {
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            throw new DatabaseException(sql, e, true);
        }
    }

    public static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    public static Integer integer(ResultSet row, String column) throws SQLException {
        int value = row.getInt(column);
        return row.wasNull() ? null : value;
    }

    private static PreparedStatement prepare(Connection connection, String sql, Object... params) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            Object param = params[i];
            if (param instanceof Instant instant) {
                statement.setObject(i + 1, OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
            } else if (param == null) {
                statement.setNull(i + 1, Types.NULL);
            } else {
                statement.setObject(i + 1, param);
            }
        }
        return statement;
    }

    /** A failed statement; the SQL is kept for the log, never shown to API clients. */
    public static final class DatabaseException extends RuntimeException {
        private final boolean unavailable;

        DatabaseException(String sql, SQLException cause) {
            this(sql, cause, StoreOutage.isConnectionLoss(cause));
        }

        DatabaseException(String sql, SQLException cause, boolean unavailable) {
            super("database statement failed: " + cause.getMessage() + " [" + sql + "]", cause);
            this.unavailable = unavailable;
        }

        /** True when the database could not be reached (no connection, or the connection was lost): retry later. */
        public boolean isUnavailable() {
            return unavailable;
        }

        /** True for a primary-key or unique violation (SQLState class 23). */
        public boolean isConstraintViolation() {
            return getCause() instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("23");
        }
    }
}
