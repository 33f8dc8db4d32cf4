package dev.unifarm.scheduler.kubernetes;

/**
 * One instance to run in a launcher Pod.
 *
 * @param imageReference {@code <registry>/<repository>@sha256:<hex>} (an OCI manifest digest)
 * @param appPort the app's TCP port, null for apps without one
 */
public record LauncherSpec(String instanceId, String app, String imageReference, int memoryMiB, Integer appPort) {

    public LauncherSpec {
        if (!imageReference.contains("@sha256:")) {
            throw new IllegalArgumentException("launcher images are pulled by digest, not " + imageReference);
        }
        if (memoryMiB <= 0) {
            throw new IllegalArgumentException("memory must be positive: " + memoryMiB);
        }
    }
}
