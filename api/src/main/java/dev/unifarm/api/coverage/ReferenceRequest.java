package dev.unifarm.api.coverage;

import dev.unifarm.scheduler.Endpoint;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The one plain {@code GET /} a reference run of a server gets through its forwarded port, so that
 * its trace covers accepting and serving a request, not only start-up.
 */
final class ReferenceRequest {

    /** Connect and read time-out: the app answers under strace and TCG, slower than a plain boot's. */
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private ReferenceRequest() {
    }

    /** Sends {@code GET /} to {@code endpoint} ({@code host:port}) and returns the answer's status line. */
    static String get(String endpoint) throws IOException {
        Endpoint parsed = Endpoint.parse(endpoint);
        String host = parsed.host();
        int port = parsed.port();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) TIMEOUT.toMillis());
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            String status = in.readLine();
            // read the answer to its end: the app finishes serving (and its trace shows it) before the powerdown
            while (in.read() >= 0) {
                // discard
            }
            return status == null ? "no answer" : status;
        }
    }
}
