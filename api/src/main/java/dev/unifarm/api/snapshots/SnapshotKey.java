package dev.unifarm.api.snapshots;

/**
 * What a snapshot is bound to: it restores only for the same revision of the same app, booted by the same kernel
 * profile with the same guest memory, under the same QEMU (its device state format).
 */
public record SnapshotKey(String app, int revision, String profile, String qemuVersion, int memoryMiB) {
}
