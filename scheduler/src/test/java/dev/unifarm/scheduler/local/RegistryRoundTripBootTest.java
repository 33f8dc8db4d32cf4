package dev.unifarm.scheduler.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unifarm.imager.RealRegistry;
import dev.unifarm.imager.model.Image;
import dev.unifarm.imager.model.OciImage;
import dev.unifarm.imager.oci.OciLayout;
import dev.unifarm.imager.oci.OciRegistry;
import dev.unifarm.imager.store.ImageStore;
import dev.unifarm.scheduler.InstanceState;
import dev.unifarm.scheduler.InstanceStatus;
import dev.unifarm.scheduler.LaunchRequest;
import dev.unifarm.scheduler.testing.Recorder;
import dev.unifarm.scheduler.testing.TestImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance: registry round trip. Build the hello image, push it to a real registry (Debian's
 * docker-registry on loopback), delete the local copy, pull it back by digest and boot it under real
 * QEMU with the real kernel and CoreCLR.
 */
class RegistryRoundTripBootTest {

    private static final Duration BOOT = Duration.ofSeconds(60);

    @TempDir
    Path work;

    /** Short (under /tmp) so the QMP socket path stays below the unix limit. */
    @TempDir
    Path instances;

    @Test
    void testRoundTrip_pushDeleteLocalPullByDigestBoot() throws IOException {
        Image built = TestImages.build("hello", work);
        ImageStore store = new ImageStore(work.resolve("store"));
        OciImage oci = new OciLayout(store).export(built);
        try (RealRegistry real = RealRegistry.start(work.resolve("registry"));
                LocalScheduler scheduler = new LocalScheduler(LocalOptions.of(AcceleratorProbe.detect(), "test-node"))) {
            OciRegistry registry = new OciRegistry(real.url());
            String reference = registry.push(store, oci, "unifarm/hello");

            deleteLocalCopy(store);
            assertThat(store.image(built.digest())).as("no local copy left").isEmpty();
            assertThat(Files.exists(built.initrd())).isFalse();

            Image pulled = registry.pull(store, "unifarm/hello", oci.digest());
            assertThat(reference).endsWith("@" + oci.digest());
            assertThat(pulled.digest()).isEqualTo(built.digest());
            assertThat(pulled.kernel()).as("the kernel came from the pulled layer").isEqualTo(
                    store.blobPath(built.manifest().kernelDigest()));

            Recorder recorder = new Recorder();
            LaunchRequest request = new LaunchRequest("rt1", pulled, null, null, 384, instances.resolve("rt1"));
            scheduler.start(request, recorder);
            InstanceStatus end = recorder.awaitEnd(BOOT);

            assertThat(end.state()).as(end.toString()).isEqualTo(InstanceState.Succeeded);
            assertThat(Files.readString(request.instanceDir().resolve("console.log"))).contains("Hello from Unifarm!");
        }
    }

    /** Every blob (initrd, our manifest, OCI manifest, config, layers) and the layout's index. */
    private static void deleteLocalCopy(ImageStore store) throws IOException {
        try (Stream<Path> blobs = Files.list(store.dir().resolve("blobs/sha256"))) {
            for (Path blob : blobs.toList()) {
                Files.delete(blob);
            }
        }
        Files.delete(store.dir().resolve(OciLayout.INDEX_FILE));
    }
}
