package dev.unifarm.api.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unifarm.api.db.Jdbc;
import dev.unifarm.api.store.StoreGarbage;
import dev.unifarm.api.store.StoreSweeper;
import dev.unifarm.api.testing.FarmClient;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A deletion the farm was killed in: its transaction committed (rows gone, files listed as garbage),
 * no file deleted yet. The sweep that runs at start removes those files, except what another app uses
 * ({@code AppsApiTest} checks that an unshared root filesystem and bundle go too).
 */
@QuarkusTest
class StoreSweeperTest {

    @Inject
    StoreGarbage garbage;
    @Inject
    StoreSweeper sweeper;
    @Inject
    Jdbc jdbc;

    @Test
    void testSweep_finishesADeletionAKillInterrupted() throws Exception {
        String gone = FarmClient.uniqueName("crashed");
        String other = FarmClient.uniqueName("sharer");
        // Env is in the image manifest, not the initrd: an image no other app has, on the root filesystem every hello shares.
        FarmClient.api().multiPart("name", gone).multiPart("bundle", FarmClient.sample("hello").toFile())
                .multiPart("spec", "{\"env\": {\"RUN\": \"" + gone + "\"}}").post("/api/v1/apps").then().statusCode(201);
        FarmClient.api().multiPart("name", other).multiPart("bundle", FarmClient.sample("hello").toFile())
                .multiPart("spec", "{\"args\": [\"other\"]}").post("/api/v1/apps").then().statusCode(201);
        Response built = FarmClient.awaitBuilt(gone, 1);
        assertThat(built.<String>path("state")).as(built.asString()).isEqualTo("Ready");
        Response otherBuilt = FarmClient.awaitBuilt(other, 1);
        assertThat(otherBuilt.<String>path("state")).isEqualTo("Ready");
        String bundle = jdbc.query("SELECT bundle_digest FROM revisions WHERE app = ?", row -> row.getString(1), gone).get(0);
        String image = built.path("imageDigest");
        Path manifest = blob(image);
        Path initrd = blob(new ObjectMapper().readTree(Files.readString(manifest)).path("initrd").asText());

        // What AppDeletion's transaction commits; the farm dies before sweeping.
        QuarkusTransaction.requiringNew().run(() -> {
            garbage.add(StoreGarbage.Kind.bundle, bundle, Instant.now());
            garbage.add(StoreGarbage.Kind.image, image, Instant.now());
            jdbc.update("DELETE FROM revisions WHERE app = ?", gone);
            jdbc.update("DELETE FROM apps WHERE name = ?", gone);
        });
        assertThat(manifest).exists();

        sweeper.sweep(); // what the next start runs

        assertThat(manifest).doesNotExist();
        assertThat(blob(otherBuilt.path("imageDigest"))).exists();
        assertThat(initrd).as("the other app's image has the same root filesystem").exists();
        assertThat(blob(bundle)).as("the other app was uploaded with the same bundle").exists();
        assertThat(garbage.all()).isEmpty();
        FarmClient.api().get("/api/v1/apps/" + gone).then().statusCode(404);
    }

    private static Path blob(String digest) {
        return Path.of(ConfigProvider.getConfig().getValue("unifarm.data-dir", String.class))
                .resolve("store/blobs/sha256").resolve(digest.substring("sha256:".length()));
    }
}
