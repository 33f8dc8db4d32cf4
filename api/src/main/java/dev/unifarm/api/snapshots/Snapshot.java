package dev.unifarm.api.snapshots;

import java.time.Instant;

/**
 * One stored snapshot (a row of {@code snapshots}): the maker run's device state and guest RAM file as two
 * content-addressed blobs.
 *
 * @param ramBytes the RAM file's apparent size (the guest's memory)
 * @param ramAllocatedBytes what the sparse RAM file takes on disk
 * @param ramMtimeMillis the RAM file's mtime once stored: checked with its size before each restore
 * @param restores how often it was restored
 */
public record Snapshot(SnapshotKey key, String stateDigest, long stateBytes, String ramDigest, long ramBytes, long ramAllocatedBytes,
        long ramMtimeMillis, Instant createdAt, int restores) {

    /** Bytes on disk: the state plus the RAM file's allocated blocks. */
    public long bytesOnDisk() {
        return stateBytes + ramAllocatedBytes;
    }

    Snapshot restoredOnceMore() {
        return new Snapshot(key, stateDigest, stateBytes, ramDigest, ramBytes, ramAllocatedBytes, ramMtimeMillis, createdAt, restores + 1);
    }
}
