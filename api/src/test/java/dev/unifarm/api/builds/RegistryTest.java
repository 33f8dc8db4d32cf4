package dev.unifarm.api.builds;

import dev.unifarm.api.testing.FarmClient;
import dev.unifarm.imager.store.ImageStore;
import dev.unifarm.imager.oci.OciLayout;
import dev.unifarm.imager.RealRegistry;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;


/**
 * The farm with a registry ({@code unifarm.registry.url} = Debian's real docker-registry on loopback):
 * a Ready revision is pushed and names its OCI digest and reference; an instance whose image files
 * are gone from the store is started from the image pulled back by digest.
 */
@QuarkusTest
@TestProfile(RegistryTest.WithRegistry.class)
class RegistryTest {

    private static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";

    public static class WithRegistry implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("unifarm.data-dir", "./target/test-data-registry");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(Registry.class));
        }
    }

    /** Starts the registry before the farm, stops it after. */
    public static class Registry implements QuarkusTestResourceLifecycleManager {
        static RealRegistry real;

        @Override
        public Map<String, String> start() {
            real = RealRegistry.start(Path.of("target", "test-registry-" + UUID.randomUUID()).toAbsolutePath());
            return Map.of("unifarm.registry.url", real.url(), "unifarm.registry.repository-prefix", "farm");
        }

        @Override
        public void stop() {
            if (real != null) {
                real.close();
            }
        }
    }

    @Test
    void testBuild_readyRevisionIsPushedByDigest() {
        String app = FarmClient.uniqueName("pushed");
        Response revision = FarmClient.readyRevision(app, "hello");

        String ociDigest = revision.path("ociDigest");
        assertThat(ociDigest).matches("sha256:[0-9a-f]{64}");
        assertThat(revision.<String>path("ociReference")).isEqualTo(Registry.real.hostPort() + "/farm/" + app + "@" + ociDigest);
        assertThat(revision.<String>path("buildLog")).contains("registry: pushed " + revision.<String>path("ociReference"));
        assertThat(Registry.real.get("/v2/farm/" + app + "/manifests/" + ociDigest, MANIFEST_TYPE)).isEqualTo(200);
    }

    @Test
    void testStart_imageGoneFromStoreIsPulledByDigestAndBoots() throws IOException {
        String app = FarmClient.uniqueName("pulled");
        Response revision = FarmClient.readyRevision(app, "hello");
        ImageStore store = new ImageStore(dataDir().resolve("store"));
        List<Path> deleted = deleteImageBlobs(store, revision.path("imageDigest"), revision.path("ociDigest"));
        assertThat(store.image(revision.path("imageDigest"))).isEmpty();

        String id = FarmClient.startInstance(app);
        Response instance = FarmClient.awaitEnded(id);

        assertThat(FarmClient.console(id)).contains("Hello from Unifarm!\n");
        assertThat(instance.<String>path("state")).as(instance.asString()).isEqualTo("Succeeded");
        assertThat(deleted).allSatisfy(blob -> assertThat(blob).as("pulled back").exists());
    }

    /** The image's own manifest, its initrd, and its OCI manifest with config and layers. */
    private static List<Path> deleteImageBlobs(ImageStore store, String imageDigest, String ociDigest) throws IOException {
        String initrd = store.image(imageDigest).orElseThrow().manifest().initrd();
        List<Path> blobs = new ArrayList<>(List.of(store.blobPath(imageDigest), store.blobPath(initrd), store.blobPath(ociDigest)));
        new OciLayout(store).references(ociDigest).forEach(blob -> blobs.add(store.blobPath(blob.digest())));
        for (Path blob : blobs) {
            Files.delete(blob);
        }
        return blobs;
    }

    private static Path dataDir() {
        return Path.of(ConfigProvider.getConfig().getValue("unifarm.data-dir", String.class));
    }
}
