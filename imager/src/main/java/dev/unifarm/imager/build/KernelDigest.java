package dev.unifarm.imager.build;

import dev.unifarm.imager.initrd.BaseLayerCache;
import dev.unifarm.imager.kernel.OciKernelReference;
import dev.unifarm.imager.model.Digests;
import dev.unifarm.imager.model.ImagerException;
import dev.unifarm.imager.model.KernelProfile;
import dev.unifarm.imager.oci.OciRegistry;
import dev.unifarm.imager.store.ImageStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/** The digest of the kernel an image boots, so a replaced kernel makes a new image; an OCI kernel is pulled into the store. */
final class KernelDigest {

    private KernelDigest() {
    }

    /** {@code cache}: remembers a kernel file's digest across builds, or null to hash it each time. */
    static String of(KernelProfile profile, ImageStore store, BaseLayerCache cache, Consumer<String> log) {
        if (profile.kernel() instanceof KernelProfile.KernelLocation.Oci oci) {
            OciKernelReference reference = OciKernelReference.parse(oci.reference());
            String digest = new OciRegistry(reference.registryUrl()).pullKernel(store, reference.repositoryReference());
            log.accept("kernel: " + digest + " pulled from " + oci.reference());
            return digest;
        }
        Path kernel = profile.kernelFile();
        if (!Files.isRegularFile(kernel)) {
            throw new ImagerException("kernel-missing", "the " + profile.name() + " kernel profile's kernel " + kernel
                    + " does not exist: run scripts/provision or set the kernel path");
        }
        return cache != null ? cache.fileDigest(kernel) : Digests.of(kernel);
    }
}
