package dev.unifarm.scheduler.testing;

import dev.unifarm.imager.build.ImageBuilder;
import dev.unifarm.imager.bundle.BundleReader;
import dev.unifarm.imager.model.Image;
import dev.unifarm.imager.model.KernelProfile;
import dev.unifarm.imager.model.NeedsSweep;
import dev.unifarm.imager.model.TraceOptions;
import dev.unifarm.imager.rootfs.ProcPatch;
import dev.unifarm.imager.runtime.RuntimeStore;
import dev.unifarm.imager.store.ImageStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Real parts for the scheduler's tests: the kernel and runtimes scripts/provision installed, and the
 * C# samples samples/build compiled (paths from the system properties surefire sets).
 */
public final class TestImages {

    private TestImages() {
    }

    public static Path partsDir() {
        return Path.of(System.getProperty("unifarm.parts.dir",
                System.getProperty("user.home") + "/.local/share/unifarm"));
    }

    public static RuntimeStore runtimeStore() {
        return new RuntimeStore(existing(partsDir().resolve("runtimes")));
    }

    public static Path linuxKernel() {
        return existing(partsDir().resolve("kernels/linux/current/vmlinuz"));
    }

    public static Path samplesDir() {
        String dir = System.getProperty("unifarm.samples.dir");
        if (dir == null) {
            throw new IllegalStateException("unifarm.samples.dir is not set: run the tests through Maven, which builds the samples");
        }
        return Path.of(dir);
    }

    /** The zip samples/build wrote for {@code name} (hello, crash, echo-http). */
    public static Path sample(String name) {
        return existing(samplesDir().resolve(name + ".zip"));
    }

    /**
     * Builds the sample into an image stored under {@code work}, leaving out the given /proc stand-ins
     * (negative controls).
     */
    public static Image build(String sample, Path work, ProcPatch... omit) {
        Path bundleDir = work.resolve("bundle-" + sample + "-" + System.nanoTime());
        ImageBuilder builder = ImageBuilder.forBundle(new BundleReader().read(sample(sample), bundleDir, Optional.empty()))
                .runtimes(runtimeStore())
                .profile(KernelProfile.linux(linuxKernel()));
        for (ProcPatch patch : omit) {
            builder.omit(patch);
        }
        return builder.build(new ImageStore(work.resolve("store")));
    }

    /**
     * Builds the sample for the 9pfs app-elfloader profile (its kernel a stand-in: no Unikraft kernel is
     * provisioned; a test boots the image with a kernel of its own, e.g. {@link RecordedConsoleKernel}).
     */
    public static Image buildUnikraft(String sample, Path work) {
        Path bundleDir = work.resolve("bundle-" + sample + "-" + System.nanoTime());
        return ImageBuilder.forBundle(new BundleReader().read(sample(sample), bundleDir, Optional.empty()))
                .runtimes(runtimeStore())
                .profile(KernelProfile.unikraftElfloader("unikraft-elfloader-9pfs", new KernelProfile.KernelLocation.File(linuxKernel()),
                        KernelProfile.Delivery.NINE_P))
                .build(new ImageStore(work.resolve("store")));
    }

    /** Builds the sample's traced variant (coverage reference run): the app runs under the host's strace. */
    public static Image buildTraced(String sample, Path work) {
        return buildTraced(sample, work, false);
    }

    /** The traced variant, with the network init step when the app has a port (as the farm builds it). */
    public static Image buildTraced(String sample, Path work, boolean network) {
        return buildTraced(sample, work, network, List.of());
    }

    /** The traced variant whose strace fails {@code failWithEnosys} in the app, as a kernel without them would. */
    public static Image buildTraced(String sample, Path work, boolean network, List<String> failWithEnosys) {
        return buildTraced(sample, work, network, failWithEnosys, null);
    }

    /**
     * The traced variant, with the compatibility layer when {@code compat} is true: the farm's Unikraft
     * layer under {@code linux}, where strace's injections play the unikernel's refusals.
     */
    public static Image buildTraced(String sample, Path work, boolean network, List<String> failWithEnosys, Boolean compat) {
        Path bundleDir = work.resolve("bundle-" + sample + "-" + System.nanoTime());
        return ImageBuilder.forBundle(new BundleReader().read(sample(sample), bundleDir, Optional.empty()))
                .runtimes(runtimeStore())
                .profile(KernelProfile.linux(linuxKernel()))
                .network(network)
                .trace(TraceOptions.of(existing(TraceOptions.HOST_STRACE)).failingWithEnosys(failWithEnosys))
                .compat(compat)
                .build(new ImageStore(work.resolve("store")));
    }

    /** The traced variant whose {@code /init} runs {@code sweep} (with the network step when the sweep has a port). */
    public static Image buildNeedsSweep(String sample, Path work, NeedsSweep sweep) {
        Path bundleDir = work.resolve("bundle-" + sample + "-" + System.nanoTime());
        return ImageBuilder.forBundle(new BundleReader().read(sample(sample), bundleDir, Optional.empty()))
                .runtimes(runtimeStore())
                .profile(KernelProfile.linux(linuxKernel()))
                .network(sweep.port() != null)
                .port(sweep.port())
                .trace(TraceOptions.of(existing(TraceOptions.HOST_STRACE)).withNeeds(sweep))
                .build(new ImageStore(work.resolve("store")));
    }

    /** The sample with the compatibility layer in a {@code linux} image, leaving out the given /proc stand-ins. */
    public static Image buildWithCompat(String sample, Path work, ProcPatch... omit) {
        Path bundleDir = work.resolve("bundle-" + sample + "-" + System.nanoTime());
        ImageBuilder builder = ImageBuilder.forBundle(new BundleReader().read(sample(sample), bundleDir, Optional.empty()))
                .runtimes(runtimeStore())
                .profile(KernelProfile.linux(linuxKernel()))
                .compat(true);
        for (ProcPatch patch : omit) {
            builder.omit(patch);
        }
        return builder.build(new ImageStore(work.resolve("store")));
    }

    /** Builds the sample for an app with a port: the image gets the linux profile's network init step. */
    public static Image buildWithNetwork(String sample, Path work) {
        Path bundleDir = work.resolve("bundle-" + sample + "-" + System.nanoTime());
        return ImageBuilder.forBundle(new BundleReader().read(sample(sample), bundleDir, Optional.empty()))
                .runtimes(runtimeStore())
                .profile(KernelProfile.linux(linuxKernel()))
                .network(true)
                .build(new ImageStore(work.resolve("store")));
    }

    private static Path existing(Path path) {
        if (!Files.exists(path)) {
            throw new IllegalStateException(path + " does not exist: run scripts/provision (real parts are required)");
        }
        return path;
    }
}
