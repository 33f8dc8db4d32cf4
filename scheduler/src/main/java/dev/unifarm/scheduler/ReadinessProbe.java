package dev.unifarm.scheduler;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Readiness of an app with a port: a request through the forwarded host port gets at least one byte
 * back. A connect alone proves nothing: QEMU's user network accepts on the host side before the guest
 * listens, and closes the connection when the guest refuses it. The request is {@code GET / HTTP/1.0};
 * an app that answers any bytes to it counts as ready.
 */
final class ReadinessProbe {

    static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(2);
    /**
     * Short: the gateway holds a cold request until {@code Running}, so this is part of its latency. A
     * probe before the guest listens is cheap (the guest answers the forwarded SYN with a reset).
     */
    static final Duration INTERVAL = Duration.ofMillis(20);
    private static final byte[] REQUEST = "GET / HTTP/1.0\r\nHost: unifarm-readiness\r\nUser-Agent: unifarm-readiness\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    private ReadinessProbe() {
    }

    /** True when a request to {@code host:port} got a response byte within {@code timeout}. */
    static boolean answers(String host, int port, Duration timeout) {
        int millis = (int) timeout.toMillis();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), millis);
            socket.setSoTimeout(millis);
            OutputStream out = socket.getOutputStream();
            out.write(REQUEST);
            out.flush();
            InputStream in = socket.getInputStream();
            return in.read() >= 0;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Probes every {@link #INTERVAL} while {@code keepTrying} holds (the instance is still booting and
     * QEMU alive; that bounds the wait) and runs {@code ready} on the first answer.
     */
    static void untilReady(PortForward forward, BooleanSupplier keepTrying, Runnable ready) {
        while (keepTrying.getAsBoolean()) {
            if (answers(forward.reachableHost(), forward.hostPort(), ATTEMPT_TIMEOUT)) {
                if (keepTrying.getAsBoolean()) {
                    ready.run();
                }
                return;
            }
            try {
                Thread.sleep(INTERVAL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
