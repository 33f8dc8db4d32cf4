package dev.unifarm.scheduler.qmp;

import java.nio.file.Path;

/**
 * Unix socket addresses are limited to 107 bytes, which a deep data dir easily exceeds. QEMU runs in
 * the instance dir and binds a relative name; we connect by whichever of the absolute path and the
 * path relative to our working directory is shorter.
 */
public final class SocketPaths {

    static final int MAX_LENGTH = 107;

    private SocketPaths() {
    }

    public static Path forConnecting(Path socket) {
        Path absolute = socket.toAbsolutePath().normalize();
        Path relative = Path.of("").toAbsolutePath().relativize(absolute);
        Path shorter = relative.toString().length() < absolute.toString().length() ? relative : absolute;
        if (shorter.toString().length() > MAX_LENGTH) {
            throw new IllegalArgumentException("the QMP socket path " + absolute + " is longer than " + MAX_LENGTH
                    + " bytes: choose a shorter data directory");
        }
        return shorter;
    }
}
