package dev.unifarm.scheduler.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Free TCP ports on 127.0.0.1 for QEMU's host forwards: the kernel picks one (bind to port 0), and
 * ports handed out recently are not handed out again, so two instances starting at once do not both
 * get a port that neither has bound yet.
 */
final class FreePorts {

    private static final int REMEMBERED = 256;
    private static final Deque<Integer> recent = new ArrayDeque<>();

    private FreePorts() {
    }

    static synchronized int loopback() {
        for (int attempt = 0; attempt < 32; attempt++) {
            int port;
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(false);
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                port = socket.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException("no free port on 127.0.0.1: " + e.getMessage(), e);
            }
            if (!recent.contains(port)) {
                recent.addLast(port);
                if (recent.size() > REMEMBERED) {
                    recent.removeFirst();
                }
                return port;
            }
        }
        throw new IllegalStateException("no free port on 127.0.0.1 that was not handed out recently");
    }
}
