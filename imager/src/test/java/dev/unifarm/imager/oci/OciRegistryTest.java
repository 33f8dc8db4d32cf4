package dev.unifarm.imager.oci;

import static dev.unifarm.imager.ImagerFailures.failure;
import static dev.unifarm.imager.oci.SameImage.assertSameImage;
import static org.assertj.core.api.Assertions.assertThat;

import dev.unifarm.imager.build.ImageBuilder;
import dev.unifarm.imager.RealParts;
import dev.unifarm.imager.RealRegistry;
import dev.unifarm.imager.bundle.Bundle;
import dev.unifarm.imager.bundle.BundleReader;
import dev.unifarm.imager.model.Image;
import dev.unifarm.imager.model.ImagerException;
import dev.unifarm.imager.model.KernelProfile;
import dev.unifarm.imager.model.OciImage;
import dev.unifarm.imager.store.ImageStore;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pushes a real hello image to a real registry (Debian's docker-registry on loopback) and pulls it back by digest. */
class OciRegistryTest {

    private static final String REPOSITORY = "unifarm/hello";
    private static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";

    @TempDir
    static Path shared;
    private static RealRegistry real;
    private static ImageStore store;
    private static Image hello;
    private static OciImage oci;

    @TempDir
    Path temp;

    @BeforeAll
    static void buildExportAndStartRegistry() {
        real = RealRegistry.start(shared.resolve("registry"));
        store = new ImageStore(shared.resolve("store"));
        Bundle bundle = new BundleReader().read(RealParts.sample("hello"), shared.resolve("bundle"), Optional.empty());
        hello = ImageBuilder.forBundle(bundle).runtimes(RealParts.runtimeStore())
                .profile(KernelProfile.linux(RealParts.linuxKernel())).build(store);
        oci = new OciLayout(store).export(hello);
    }

    @AfterAll
    static void stopRegistry() {
        if (real != null) {
            real.close();
        }
    }

    @Test
    void testPush_registryHoldsManifestAndBlobsByDigest() {
        String reference = new OciRegistry(real.url()).push(store, oci, REPOSITORY);

        assertThat(reference).isEqualTo(real.hostPort() + "/" + REPOSITORY + "@" + oci.digest());
        assertThat(real.get("/v2/" + REPOSITORY + "/manifests/" + oci.digest(), MANIFEST_TYPE)).isEqualTo(200);
        for (OciLayout.Blob blob : new OciLayout(store).references(oci.digest())) {
            assertThat(real.get("/v2/" + REPOSITORY + "/blobs/" + blob.digest(), null)).as(blob.digest()).isEqualTo(200);
        }
    }

    @Test
    void testPull_byDigestIntoEmptyStoreGivesTheSameImage() throws Exception {
        OciRegistry registry = new OciRegistry(real.url());
        registry.push(store, oci, REPOSITORY);
        ImageStore other = new ImageStore(temp.resolve("store"));

        Image pulled = registry.pull(other, REPOSITORY, oci.digest());

        assertSameImage(pulled, other, hello, oci);
    }

    @Test
    void testPush_twiceIsTheSameReference() {
        OciRegistry registry = new OciRegistry(real.url());

        assertThat(registry.push(store, oci, REPOSITORY)).isEqualTo(registry.push(store, oci, REPOSITORY));
    }

    @Test
    void testPull_unknownDigestIsRegistryError() {
        String unknown = "sha256:" + "a".repeat(64);

        ImagerException e = failure("registry-error",
                () -> new OciRegistry(real.url()).pull(new ImageStore(temp.resolve("store")), REPOSITORY, unknown));

        assertThat(e.getMessage()).contains(unknown);
    }
}
