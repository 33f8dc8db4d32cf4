package dev.unifarm.scheduler.local.containment;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * The uids instances' QEMUs run as, like the jailer's: one per live instance, none of them a host
 * account's. Several farms (or test JVMs) may share a host, so a uid counts as taken while any
 * process on the host runs as it, not only while this farm holds it. The range's last id is no
 * instance's: it is the group of snapshot RAM files ({@link #snapshotGid()}).
 */
record UidRange(int first, int count) {

    UidRange {
        if (first <= 0 || count < 2 || (long) first + count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("uid range must be positive, hold at least 2 ids and fit in 31 bits: " + first + "+" + count);
        }
    }

    /**
     * The group every restoring QEMU gets besides its own (QEMU 7.2 opens a RAM file read-write even to map
     * it privately): never an instance's uid or gid, so only restores reach a snapshot's RAM file.
     */
    int snapshotGid() {
        return first + count - 1;
    }

    /**
     * A uid for {@code key} (the instance dir) that no host account has and no process uses: the walk
     * starts at a place derived from the key, so one instance tends to get the same uid again.
     */
    int pick(String key, IntPredicate heldHere) {
        Set<Integer> accounts = accounts();
        Set<Integer> busy = processUids();
        int instances = count - 1;
        int start = Math.floorMod(key.hashCode(), instances);
        for (int i = 0; i < instances; i++) {
            int uid = first + (start + i) % instances;
            if (!accounts.contains(uid) && !busy.contains(uid) && !heldHere.test(uid)) {
                return uid;
            }
        }
        throw new IllegalStateException("every uid of " + first + ".." + (first + count - 2) + " is in use");
    }

    private static Set<Integer> accounts() {
        Set<Integer> uids = new HashSet<>();
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
                String[] fields = line.split(":");
                if (fields.length > 2) {
                    uids.add(Integer.parseInt(fields[2]));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // no passwd to read: nothing to avoid
        }
        return uids;
    }

    private static Set<Integer> processUids() {
        Set<Integer> uids = new HashSet<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path proc : procs) {
                try {
                    uids.add((Integer) Files.getAttribute(proc, "unix:uid"));
                } catch (IOException | RuntimeException e) {
                    // gone meanwhile
                }
            }
        } catch (IOException e) {
            // no /proc: nothing known to be busy
        }
        return uids;
    }
}
