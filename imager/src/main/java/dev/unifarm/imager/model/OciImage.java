package dev.unifarm.imager.model;

/**
 * An image as an OCI image manifest in the store's OCI layout.
 *
 * @param digest the OCI manifest's digest (what a registry pull asks for)
 * @param size the OCI manifest's size in bytes
 * @param imageDigest the Unifarm image digest (the sha256 of our own {@link ImageManifest})
 */
public record OciImage(String digest, long size, String imageDigest) {
}
