package dev.unifarm.imager.rootfs;

import dev.unifarm.imager.model.ResumeProtocol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The {@code linux} profile's resume step: {@code /init} starts the guest resume helper
 * ({@link ResumeProtocol}; source scripts/guest/unifarm-resume.c, built static by scripts/provision into the
 * kernel dir's {@code guest/}) in the background before the app. It waits on {@code ttyS1}, which only snapshot
 * and restore runs have (a normal boot has none and it exits at once), so that a guest restored from a snapshot
 * gets the farm's clock and a fresh CRNG seed. It is its own process, started before the host (and before
 * strace in a traced image), so it is neither PID 1 nor part of the app's trace.
 */
public final class ResumeHelper {

    /** The helper's path in a kernel dir provisioned by scripts/provision. */
    static final String KERNEL_DIR_FILE = "guest/unifarm-resume";

    private final Path binary;

    private ResumeHelper(Path binary) {
        this.binary = binary;
    }

    /**
     * The step for {@code kernel} (the helper next to it, in {@code guest/}), or empty, with the reason logged, when
     * the kernel dir has none (not provisioned by scripts/provision, or before the helper existed): such an image
     * boots as before, and a snapshot of it cannot be restored.
     */
    public static Optional<ResumeHelper> forKernel(Path kernel, Consumer<String> log) {
        Path binary = kernel.toAbsolutePath().getParent().resolve(KERNEL_DIR_FILE);
        if (!Files.isRegularFile(binary)) {
            log.accept("resume: no " + binary + " (run scripts/provision to build the guest resume helper):"
                    + " this image boots only, its snapshots cannot be restored");
            return Optional.empty();
        }
        return Optional.of(new ResumeHelper(binary));
    }

    public Path binary() {
        return binary;
    }

    void addTo(RootfsTree tree) {
        tree.copy(ResumeProtocol.HELPER, 0755, binary);
    }

    /** Script line: the helper in the background, with an empty env (the app's variables are not its business). */
    void appendTo(StringBuilder s) {
        s.append("# resume helper: answers the farm on ttyS1 after a snapshot restore (exits at once without that port)\n");
        s.append("b env -i ").append(ResumeProtocol.HELPER).append(" &\n");
    }
}
