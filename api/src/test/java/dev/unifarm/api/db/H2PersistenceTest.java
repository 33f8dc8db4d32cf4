package dev.unifarm.api.db;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;

/** {@link PersistenceContract} on the default database: H2 in the data dir. */
@QuarkusTest
@TestProfile(H2PersistenceTest.H2.class)
class H2PersistenceTest extends PersistenceContract {

    public static class H2 implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("unifarm.data-dir", "./target/test-data-db-h2");
        }
    }

    @Override
    String expectedProduct() {
        return "H2";
    }
}
