package dev.unifarm.scheduler;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How a run begins (issue 18, docs/instances.md "Snapshots"): an ordinary boot, a boot that ends in a
 * snapshot once the app is ready, or a restore of such a snapshot. Only schedulers whose
 * {@link Scheduler#snapshots()} says so take the last two, and only for images whose manifest has the
 * guest resume helper ({@code boot.resumeHelper}).
 */
public sealed interface Activation {

    Activation BOOT = new Boot();

    /** The end reason ({@code Succeeded}) of a {@link Snapshot} run whose files were written. */
    String SNAPSHOTTED = "Snapshotted";
    /** The end reason ({@code Failed}) of a {@link Restore} that did not get its guest running: boot instead. */
    String RESTORE_FAILED = "RestoreFailed";

    /** The image booted from its kernel, as always. */
    record Boot() implements Activation {
    }

    /**
     * Boot with guest RAM in a file, wait until the instance is {@code Running} (the readiness probe answered,
     * so the request path has run once), then pause it, save the device state beside the RAM file and end
     * ({@code Succeeded}, reason {@link #SNAPSHOTTED}). The files are {@link #ram(Path)} and {@link #state(Path)}
     * of the instance dir, the farm's once the run ended.
     */
    record Snapshot() implements Activation {

        public static final String RAM = "vm/snapshot.ram";
        public static final String STATE = "vm/snapshot.state";

        public static Path ram(Path instanceDir) {
            return instanceDir.resolve(RAM);
        }

        public static Path state(Path instanceDir) {
            return instanceDir.resolve(STATE);
        }
    }

    /**
     * Restore the files of a {@link Snapshot} run of the same image, memory size and QEMU instead of booting:
     * the guest continues from the snapshot with its own port forward and console. A restore that fails
     * before the guest runs ends {@code Failed}, reason {@link #RESTORE_FAILED}. The caller checks the files
     * are the ones it stored (QEMU does not notice changed RAM pages).
     */
    record Restore(Path state, Path ram) implements Activation {

        public Restore {
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(ram, "ram");
        }
    }

    /** What the farm records as the instance's {@code activation}: {@code boot}, {@code snapshot} or {@code restore}. */
    default String mode() {
        if (this instanceof Snapshot) {
            return "snapshot";
        }
        return this instanceof Restore ? "restore" : "boot";
    }
}
