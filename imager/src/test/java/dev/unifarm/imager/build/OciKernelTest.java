package dev.unifarm.imager.build;

import static dev.unifarm.imager.ImagerFailures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.unifarm.imager.RealParts;
import dev.unifarm.imager.RealRegistry;
import dev.unifarm.imager.bundle.Bundle;
import dev.unifarm.imager.bundle.BundleReader;
import dev.unifarm.imager.model.Digests;
import dev.unifarm.imager.model.Image;
import dev.unifarm.imager.model.ImagerException;
import dev.unifarm.imager.model.KernelProfile;
import dev.unifarm.imager.oci.OciLayout;
import dev.unifarm.imager.oci.OciRegistry;
import dev.unifarm.imager.store.ImageStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A kernel profile may name its kernel as an OCI image (KraftKit's layout); the builder pulls it. */
class OciKernelTest {

    private static final String REPOSITORY = "kernels/linux";

    @TempDir
    static Path shared;
    private static RealRegistry real;
    private static String pushed;

    @TempDir
    Path temp;

    /** Publishes the real Linux kernel as a KraftKit-style image: exported with an image, pushed by digest. */
    @BeforeAll
    static void publishKernel() {
        real = RealRegistry.start(shared.resolve("registry"));
        ImageStore store = new ImageStore(shared.resolve("store"));
        Image image = ImageBuilder.forBundle(readHello(shared.resolve("bundle"))).runtimes(RealParts.runtimeStore())
                .profile(KernelProfile.linux(RealParts.linuxKernel())).build(store);
        pushed = new OciRegistry(real.url()).push(store, new OciLayout(store).export(image), REPOSITORY);
    }

    @AfterAll
    static void stopRegistry() {
        if (real != null) {
            real.close();
        }
    }

    @Test
    void testBuild_pullsTheKernelByDigest() throws Exception {
        String location = "http://" + pushed;
        KernelProfile profile = linuxWithKernel(new KernelProfile.KernelLocation.Oci(location));
        ImageStore store = new ImageStore(temp.resolve("store"));
        List<String> log = new ArrayList<>();

        Image image = ImageBuilder.forBundle(readHello(temp.resolve("bundle"))).runtimes(RealParts.runtimeStore())
                .profile(profile).log(log::add).build(store);

        String kernelDigest = Digests.of(RealParts.linuxKernel());
        assertThat(image.manifest().kernelDigest()).isEqualTo(kernelDigest);
        assertThat(image.manifest().kernel()).isEqualTo(location);
        assertThat(image.kernel()).isEqualTo(store.blobPath(kernelDigest));
        assertThat(Files.mismatch(image.kernel(), RealParts.linuxKernel())).isEqualTo(-1L);
        assertThat(log).contains("kernel: " + kernelDigest + " pulled from " + location);
    }

    @Test
    void testBuild_referenceToAnImageWithoutKernelIsRefused() {
        String wrongDigest = "sha256:" + "0".repeat(64);
        KernelProfile profile = linuxWithKernel(new KernelProfile.KernelLocation.Oci(
                "http://" + real.hostPort() + "/" + REPOSITORY + "@" + wrongDigest));

        ImagerException e = failure("registry-error", () -> ImageBuilder.forBundle(readHello(temp.resolve("bundle")))
                .runtimes(RealParts.runtimeStore()).profile(profile).build(new ImageStore(temp.resolve("store"))));

        assertThat(e.getMessage()).contains(wrongDigest);
    }

    private static KernelProfile linuxWithKernel(KernelProfile.KernelLocation kernel) {
        KernelProfile linux = KernelProfile.linux(RealParts.linuxKernel());
        return new KernelProfile(linux.name(), kernel, linux.arch(), linux.delivery(), linux.commandLine(), linux.maxEnv(),
                linux.stack(), linux.stackSource(), linux.exit(), linux.nonPieViaInterpreter());
    }

    private static Bundle readHello(Path target) {
        return new BundleReader().read(RealParts.sample("hello"), target, Optional.empty());
    }
}
