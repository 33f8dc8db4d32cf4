package dev.unifarm.api.builds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unifarm.api.builds.OciBackfill;
import dev.unifarm.api.db.Jdbc;
import dev.unifarm.api.testing.FarmClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Without a registry (the test farm has none) every initrd image is still in the store's OCI image
 * layout: the revision's {@code ociDigest} names a manifest that {@code index.json} lists, deleting
 * the app takes it out again, keeping the layers another image still uses, and a revision built before
 * that is exported at start.
 */
@QuarkusTest
class OciExportTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    OciBackfill backfill;
    @Inject
    Jdbc jdbc;

    @Test
    void testBuild_readyImageIsInTheStoreLayoutWithoutARegistry() throws IOException {
        String app = FarmClient.uniqueName("ocilocal");
        Response revision = FarmClient.readyRevision(app, "hello");

        String ociDigest = revision.path("ociDigest");
        assertThat(ociDigest).as(revision.asString()).matches("sha256:[0-9a-f]{64}");
        assertThat(revision.<String>path("ociReference")).as("no registry: nothing pushed").isNull();
        assertThat(revision.<String>path("buildLog")).contains("oci: " + ociDigest);
        assertThat(indexEntry(revision.path("imageDigest")).path("digest").asText()).isEqualTo(ociDigest);
        JsonNode manifest = JSON.readTree(blob(ociDigest).toFile());
        assertThat(manifest.path("mediaType").asText()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
        assertThat(manifest.path("annotations").path("dev.unifarm.image.digest").asText()).isEqualTo(revision.<String>path("imageDigest"));
        assertThat(blob(manifest.path("config").path("digest").asText())).isRegularFile();
        assertThat(manifest.path("layers")).hasSize(2);
        for (JsonNode layer : manifest.path("layers")) {
            assertThat(blob(layer.path("digest").asText())).isRegularFile().hasSize(layer.path("size").asLong());
        }
    }

    @Test
    void testDelete_takesTheImageOutOfTheLayoutKeepingSharedLayers() throws IOException {
        // A bundle no other test uploads: its initrd layer is shared by these two apps only.
        Path bundle = uniqueHello();
        String first = FarmClient.uniqueName("ocidel");
        String second = FarmClient.uniqueName("ocikeep");
        FarmClient.api().multiPart("name", first).multiPart("bundle", bundle.toFile())
                .multiPart("spec", "{\"env\": {\"WHO\": \"first\"}}").post("/api/v1/apps").then().statusCode(201);
        FarmClient.api().multiPart("name", second).multiPart("bundle", bundle.toFile())
                .multiPart("spec", "{\"env\": {\"WHO\": \"second\"}}").post("/api/v1/apps").then().statusCode(201);
        Response firstBuilt = FarmClient.awaitBuilt(first, 1);
        Response secondBuilt = FarmClient.awaitBuilt(second, 1);
        assertThat(firstBuilt.<String>path("state")).as(firstBuilt.asString()).isEqualTo("Ready");
        assertThat(secondBuilt.<String>path("state")).as(secondBuilt.asString()).isEqualTo("Ready");
        String firstOci = firstBuilt.path("ociDigest");
        JsonNode firstManifest = JSON.readTree(blob(firstOci).toFile());
        Path config = blob(firstManifest.path("config").path("digest").asText());
        Path initrdLayer = blob(layer(firstManifest, "/unikraft/bin/initrd"));
        Path kernelLayer = blob(layer(firstManifest, "/unikraft/bin/kernel"));
        assertThat(layer(JSON.readTree(blob(secondBuilt.path("ociDigest")).toFile()), "/unikraft/bin/initrd"))
                .as("same bundle, same root filesystem").isEqualTo(layer(firstManifest, "/unikraft/bin/initrd"));

        FarmClient.api().delete("/api/v1/apps/" + first).then().statusCode(200);

        assertThat(indexEntry(firstBuilt.path("imageDigest")).isMissingNode()).as("index.json no longer lists it").isTrue();
        assertThat(blob(firstOci)).doesNotExist();
        assertThat(config).as("its config names its env: no other image has it").doesNotExist();
        assertThat(initrdLayer).as("the second app's image has the same initrd layer").isRegularFile();
        assertThat(kernelLayer).as("the second app's image has the same kernel").isRegularFile();
        assertThat(indexEntry(secondBuilt.path("imageDigest")).path("digest").asText()).isEqualTo(secondBuilt.<String>path("ociDigest"));

        FarmClient.api().delete("/api/v1/apps/" + second).then().statusCode(200);

        assertThat(indexEntry(secondBuilt.path("imageDigest")).isMissingNode()).isTrue();
        assertThat(initrdLayer).as("no image uses it any more").doesNotExist();
    }

    @Test
    void testBackfill_exportsAReadyRevisionThatHasNoOciManifest() {
        String app = FarmClient.uniqueName("ociold");
        Response built = FarmClient.readyRevision(app, "hello");
        // What a revision built before issue 15 without a registry looks like.
        jdbc.update("UPDATE revisions SET oci_digest = NULL WHERE app = ?", app);
        assertThat(FarmClient.api().get("/api/v1/apps/" + app + "/revisions/1").<String>path("ociDigest")).isNull();

        assertThat(backfill.exportMissing()).isPositive(); // what every start runs

        assertThat(FarmClient.api().get("/api/v1/apps/" + app + "/revisions/1").<String>path("ociDigest"))
                .isEqualTo(built.<String>path("ociDigest"));
    }

    /** The index entry named by the image digest, or a missing node. */
    private static JsonNode indexEntry(String imageDigest) throws IOException {
        for (JsonNode entry : JSON.readTree(store().resolve("index.json").toFile()).path("manifests")) {
            if (imageDigest.equals(entry.path("annotations").path("org.opencontainers.image.ref.name").asText())) {
                return entry;
            }
        }
        return JSON.missingNode();
    }

    private static String layer(JsonNode manifest, String path) {
        for (JsonNode layer : manifest.path("layers")) {
            if (layer.path("annotations").toString().contains("\"" + path + "\"")) {
                return layer.path("digest").asText();
            }
        }
        throw new AssertionError("no layer holds " + path + ": " + manifest);
    }

    /** The hello sample with one more file, so its root filesystem is this test's own. */
    private static Path uniqueHello() throws IOException {
        Path zip = Files.createTempFile(Path.of("target"), "hello-unique-", ".zip");
        List<String> names = new ArrayList<>();
        try (InputStream in = Files.newInputStream(FarmClient.sample("hello")); ZipInputStream source = new ZipInputStream(in);
                OutputStream out = Files.newOutputStream(zip); ZipOutputStream target = new ZipOutputStream(out)) {
            for (ZipEntry entry = source.getNextEntry(); entry != null; entry = source.getNextEntry()) {
                names.add(entry.getName());
                target.putNextEntry(new ZipEntry(entry.getName()));
                source.transferTo(target);
                target.closeEntry();
            }
            target.putNextEntry(new ZipEntry("oci-test-" + UUID.randomUUID() + ".txt"));
            target.write("unique".getBytes(StandardCharsets.US_ASCII));
            target.closeEntry();
        }
        assertThat(names).contains("hello.dll");
        return zip;
    }

    private static Path store() {
        return Path.of(ConfigProvider.getConfig().getValue("unifarm.data-dir", String.class)).resolve("store");
    }

    private static Path blob(String digest) {
        return store().resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
    }
}
