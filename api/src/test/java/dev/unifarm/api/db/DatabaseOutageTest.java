package dev.unifarm.api.db;

import dev.unifarm.api.gateway.GatewayServer;
import dev.unifarm.api.testing.FarmClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

import static dev.unifarm.api.testing.FarmClient.api;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;


/**
 * PostgreSQL stopped under a running farm: every call that needs the store answers a retryable 503
 * problem+json with {@code Retry-After} and nothing of the database (host, port, SQL) in it; the
 * gateway's bookkeeping says so once and once more when the store is back; the farm recovers by itself.
 */
@QuarkusTest
@TestProfile(DatabaseOutageTest.Postgres.class)
class DatabaseOutageTest {

    public static class Postgres extends PostgresPersistenceTest.Postgres {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("unifarm.data-dir", "./target/test-data-db-outage");
        }
    }

    /** The gateway refreshes specs from the store once a second: this covers several failed rounds. */
    private static final Duration SEVERAL_ROUNDS = Duration.ofSeconds(5);

    @Inject
    GatewayServer gateway;

    @Test
    void testStoreOutage_is503WithRetryAfterAndRecovers() throws Exception {
        String port = PostgresServer.port();
        try (Records gatewayLog = Records.of("dev.unifarm.api.gateway.Activator")) {
            outageAndRecovery(port, gatewayLog);
        }
    }

    private void outageAndRecovery(String port, Records gatewayLog) throws Exception {
        api().get("/api/v1/apps").then().statusCode(200);

        PostgresServer.pause();
        try {
            expectUnavailable(api().get("/api/v1/apps"), port);
            expectUnavailable(api().get("/api/v1/instances"), port);
            expectUnavailable(FarmClient.upload(FarmClient.uniqueName("outage"), FarmClient.sample("hello")), port);
            expectUnavailable(api().contentType("application/json").body("{}").post("/api/v1/apps/outage/instances"), port);
            // The gateway looks an app it does not know yet up in the store.
            expectUnavailable(RestAssured.given().port(gateway.port()).get("/outage-gw/"), port);

            await().atMost(Duration.ofSeconds(60)).until(() -> !gatewayLog.containing("store is unavailable").isEmpty());
            Thread.sleep(SEVERAL_ROUNDS.toMillis());
            assertThat(gatewayLog.containing("store is unavailable")).as("said once, not every round").hasSize(1);
            assertThat(gatewayLog.all()).as("no stack trace per round").noneMatch(r -> r.getThrown() != null);
        } finally {
            PostgresServer.resume();
        }

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> api().get("/api/v1/apps").statusCode() == 200);
        String app = FarmClient.uniqueName("after");
        FarmClient.upload(app, FarmClient.sample("hello")).then().statusCode(201);
        api().get("/api/v1/apps/" + app).then().statusCode(200);
        await().atMost(Duration.ofSeconds(60)).until(() -> !gatewayLog.containing("store is back").isEmpty());
        assertThat(gatewayLog.containing("store is unavailable")).hasSize(1);
    }

    private static void expectUnavailable(Response response, String port) {
        response.then().statusCode(503).contentType("application/problem+json");
        assertThat(response.header("Retry-After")).as("Retry-After").matches("[1-9][0-9]*");
        String body = response.asString();
        assertThat(response.<String>path("type")).endsWith("/store-unavailable");
        assertThat(response.<String>path("detail")).contains("the store is unavailable, retry later");
        assertThat(body).doesNotContain("127.0.0.1").doesNotContain(port).doesNotContainIgnoringCase("select")
                .doesNotContainIgnoringCase("jdbc").doesNotContainIgnoringCase("postgres").doesNotContain("SQL");
    }

    /** The log records of one category, as the farm's log shows them. */
    private static final class Records extends Handler implements AutoCloseable {
        private final List<LogRecord> records = new CopyOnWriteArrayList<>();
        private final Logger logger;

        private Records(Logger logger) {
            this.logger = logger;
        }

        static Records of(String category) {
            Logger logger = Logger.getLogger(category);
            Records records = new Records(logger);
            records.setLevel(Level.ALL);
            logger.addHandler(records);
            return records;
        }

        List<LogRecord> all() {
            return List.copyOf(records);
        }

        List<LogRecord> containing(String text) {
            return records.stream().filter(r -> String.valueOf(r.getMessage()).contains(text)).toList();
        }

        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            logger.removeHandler(this);
        }
    }
}
