package dev.unifarm.api.db;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.List;
import java.util.Map;

/**
 * {@link PersistenceContract} on a real PostgreSQL ({@link PostgresServer}), selected the way an
 * operator does: the config profile {@code postgresql} plus the datasource's URL and credentials.
 */
@QuarkusTest
@TestProfile(PostgresPersistenceTest.Postgres.class)
class PostgresPersistenceTest extends PersistenceContract {

    public static class Postgres implements QuarkusTestProfile {
        @Override
        public String getConfigProfile() {
            return "test,postgresql";
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("unifarm.data-dir", "./target/test-data-db-pg");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(PostgresServer.class));
        }
    }

    @Override
    String expectedProduct() {
        return "PostgreSQL";
    }
}
