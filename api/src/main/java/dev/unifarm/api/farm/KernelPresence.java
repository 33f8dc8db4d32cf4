package dev.unifarm.api.farm;

import dev.unifarm.imager.model.KernelProfile.KernelLocation;
import dev.unifarm.imager.model.KernelProfile;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a profile's kernel is there to build with, and what to do when it is not. A kernel file is
 * looked at on every call (putting it in place needs no restart); a {@code kernel-oci} reference counts
 * as present: it is pulled when an image is built.
 *
 * @param present whether a build can get the kernel
 * @param detail where the kernel is expected and, when missing, how to configure it
 */
public record KernelPresence(boolean present, String detail) {

    public static KernelPresence of(KernelProfile profile) {
        if (profile.kernel() instanceof KernelLocation.Oci oci) {
            return new KernelPresence(true, "an OCI kernel, pulled from " + oci.reference() + " when an image is built");
        }
        Path file = profile.kernelFile();
        if (Files.isRegularFile(file)) {
            return new KernelPresence(true, "the kernel file " + file + " is present");
        }
        String key = "unifarm.kernels." + profile.name();
        return new KernelPresence(false, "the " + profile.name() + " kernel profile's kernel " + file + " does not exist: put the kernel"
                + " file there, or set " + key + ".kernel to a kernel file or " + key + ".kernel-oci to the OCI reference of a"
                + " KraftKit-style kernel image ([http://]host:port/repository@sha256:…) and restart the farm"
                + (KernelProfiles.DEFAULT.equals(profile.name()) ? "; scripts/provision installs the linux kernel" : ""));
    }
}
