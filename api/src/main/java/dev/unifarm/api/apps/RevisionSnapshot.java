package dev.unifarm.api.apps;

import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A revision's memory snapshot as {@code GET …/revisions/{n}} shows it. */
@Schema(description = "A memory snapshot of the revision: the gateway restores it on cold starts instead of booting")
public record RevisionSnapshot(
        @Schema(description = "Bytes it takes on disk: the device state plus the RAM file's allocated blocks")
        long bytes,
        @Schema(description = "Bytes of the saved device state")
        long stateBytes,
        @Schema(description = "Bytes of the guest RAM file (its apparent size, the guest's memory; the file is sparse)")
        long ramBytes,
        @Schema(description = "When it was taken")
        Instant createdAt,
        @Schema(description = "Its age in seconds, now")
        long ageSeconds,
        @Schema(description = "The QEMU version that took it; it restores only under the same one")
        String qemuVersion,
        @Schema(description = "The kernel profile of the image it was taken from")
        String profile,
        @Schema(description = "The guest memory it was taken with, in MiB")
        int memoryMiB,
        @Schema(description = "How often it was restored")
        int restores,
        @Schema(description = "Digest (sha256:…) of the device state, the name of its blob in the store")
        String stateDigest,
        @Schema(description = "Digest (sha256:…) of the guest RAM file, the name of its blob in the store")
        String ramDigest) {
}
