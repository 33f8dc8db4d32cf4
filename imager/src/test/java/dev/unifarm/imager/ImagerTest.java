package dev.unifarm.imager;

import static dev.unifarm.imager.ImagerFailures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.unifarm.imager.bundle.BundleReader;
import dev.unifarm.imager.initrd.BaseLayerCache;
import dev.unifarm.imager.model.Digests;
import dev.unifarm.imager.model.ErrorKinds;
import dev.unifarm.imager.model.KernelProfile;
import dev.unifarm.imager.store.ImageStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The entry point builds the hello sample from the store, logs each step and exports the OCI image when asked. */
class ImagerTest {

    @TempDir
    Path temp;

    @Test
    void testBuild_storedBundleToImageLogAndOciExport() throws IOException {
        ImageStore store = new ImageStore(temp.resolve("store"));
        String bundle = storeHello(store);
        List<String> progress = new ArrayList<>();

        BuiltImage built = imager(store).build(request(bundle, true), Files.createDirectories(temp.resolve("work")), progress::add);

        assertThat(built.log()).isEqualTo(progress);
        assertThat(built.log().get(0)).isEqualTo("bundle: " + bundle + ", entrypoint hello.dll");
        assertThat(built.log().get(1)).isEqualTo("kernel profile: linux");
        assertThat(built.log()).anySatisfy(line -> assertThat(line).startsWith("build: "));
        assertThat(built.oci()).isPresent();
        assertThat(built.log().get(built.log().size() - 1)).startsWith("oci: " + built.oci().get().digest() + " (");
        assertThat(store.complete(built.image())).isTrue();
    }

    @Test
    void testBuild_noExportUnlessAsked() throws IOException {
        ImageStore store = new ImageStore(temp.resolve("store"));
        String bundle = storeHello(store);

        BuiltImage built = imager(store).build(request(bundle, false), Files.createDirectories(temp.resolve("work")), line -> {
        });

        assertThat(built.oci()).isEmpty();
        assertThat(built.log()).noneMatch(line -> line.startsWith("oci: "));
    }

    @Test
    void testBuild_checkedBundleReusedNotUnpackedAgain() throws IOException {
        ImageStore store = new ImageStore(temp.resolve("store"));
        String bundle = storeHello(store);
        Imager imager = imager(store);
        Path scratch = Files.createDirectories(temp.resolve("check"));
        imager.bundles().check(RealParts.sample("hello"), Optional.empty(), scratch);
        Path work = Files.createDirectories(temp.resolve("work"));

        BuiltImage reused = imager.build(request(bundle, false).withChecked(scratch), work, line -> {
        });
        BuiltImage unpacked = imager.build(request(bundle, false), Files.createDirectories(temp.resolve("work2")), line -> {
        });

        assertThat(work).isEmptyDirectory();
        assertThat(reused.image().digest()).isEqualTo(unpacked.image().digest());
    }

    @Test
    void testBuild_unknownEntrypointRefused() throws IOException {
        ImageStore store = new ImageStore(temp.resolve("store"));
        BuildRequest request = new BuildRequest(storeHello(store), Optional.of("other.dll"), KernelProfile.linux(RealParts.linuxKernel()),
                List.of(), Map.of(), null, null, null, Optional.empty(), true);

        failure(ErrorKinds.ENTRYPOINT_MISSING, () -> imager(store).build(request, Files.createDirectories(temp.resolve("work")), line -> {
        }));
    }

    private Imager imager(ImageStore store) {
        return new Imager(store, RealParts.runtimeStore(), new BaseLayerCache(temp.resolve("layers")), new BundleReader());
    }

    private static BuildRequest request(String bundle, boolean exportOci) {
        return new BuildRequest(bundle, Optional.empty(), KernelProfile.linux(RealParts.linuxKernel()), List.of(), Map.of(), null, null,
                null, Optional.empty(), exportOci);
    }

    private String storeHello(ImageStore store) throws IOException {
        Path copy = temp.resolve("hello.upload");
        Files.copy(RealParts.sample("hello"), copy);
        String digest = Digests.of(copy);
        store.putBlob(copy, digest);
        return digest;
    }
}
