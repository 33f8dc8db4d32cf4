package dev.unifarm.scheduler.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * Readiness of an app with a port, as Kubernetes' {@code httpGet} probe does it: {@code GET <path>}
 * with {@code Connection: close} through the forwarded host port, the whole response read to its end
 * (header, then body by {@code Content-Length} or up to the close), bounded in size and time; a status
 * from 200 to 399 is ready. Reading to the end matters: a probe that closes while the app still writes
 * makes the app's next write fail with a reset, which kills apps that do not catch it. A connect alone
 * proves nothing: QEMU's user network accepts on the host side before the guest listens.
 */
final class ReadinessProbe {

    static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(2);
    /**
     * Short: the gateway holds a cold request until {@code Running}, so this is part of its latency. A
     * probe before the guest listens is cheap (the guest answers the forwarded SYN with a reset).
     */
    static final Duration INTERVAL = Duration.ofMillis(20);
    /** A longer response is not read further (its status decides); Kubernetes reads 10 KiB of the body. */
    static final int MAX_RESPONSE_BYTES = 64 * 1024;

    /** How long an attempt that timed out is read on in the background ({@link #drainLater}). */
    static final Duration ABANDONED_READ = Duration.ofMinutes(2);
    private static final ExecutorService DRAINERS = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "readiness-drain");
        thread.setDaemon(true);
        return thread;
    });

    /** One attempt's outcome; {@code describe} says what the app answered, for messages. */
    record Result(boolean ready, String describe) {
    }

    private ReadinessProbe() {
    }

    /** One {@code GET path} to {@code host:port}, within {@code timeout} in all. */
    static Result probe(String host, int port, String path, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String asked = "GET " + path;
        Socket socket = new Socket();
        boolean handedOver = false;
        try {
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(request(path));
            out.flush();
            int status;
            try {
                status = readResponse(socket, deadline);
            } catch (SocketTimeoutException e) {
                handedOver = drainLater(socket);
                return new Result(false, asked + " got no answer within " + timeout);
            }
            if (status < 0) {
                return new Result(false, asked + " got an answer that is not HTTP");
            }
            return status >= 200 && status < 400 ? new Result(true, asked + " answered " + status)
                    : new Result(false, asked + " answered " + status);
        } catch (SocketTimeoutException e) {
            return new Result(false, asked + " got no answer within " + timeout);
        } catch (IOException e) {
            return new Result(false, asked + " got no answer (" + e.getMessage() + ")");
        } finally {
            if (!handedOver) {
                closeQuietly(socket);
            }
        }
    }

    /**
     * An attempt that got no answer in time is read on in the background, to its end, and only then
     * closed. QEMU's user network accepts before the guest listens and keeps trying to reach it: the
     * request of a connection closed now would still reach the app once it listens, and the app's answer
     * would then meet a reset — which kills apps that do not catch write errors. Bounded by
     * {@link #ABANDONED_READ}.
     */
    private static boolean drainLater(Socket socket) {
        try {
            socket.setSoTimeout((int) ABANDONED_READ.toMillis());
        } catch (IOException e) {
            return false;
        }
        DRAINERS.execute(() -> {
            try (socket) {
                InputStream in = socket.getInputStream();
                byte[] chunk = new byte[4096];
                long read = 0;
                for (int n = in.read(chunk); n >= 0 && read < MAX_RESPONSE_BYTES; n = in.read(chunk)) {
                    read += n;
                }
            } catch (IOException e) {
                // reset, timed out or closed: nothing more will come
            }
        });
        return true;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    private static byte[] request(String path) {
        return ("GET " + path + " HTTP/1.1\r\nHost: unifarm-readiness\r\nUser-Agent: unifarm-readiness\r\n"
                + "Accept: */*\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Reads the response to its end (or {@link #MAX_RESPONSE_BYTES}) and returns its status code, -1
     * when it is not HTTP. Throws {@link SocketTimeoutException} when the deadline passes first.
     */
    private static int readResponse(Socket socket, long deadline) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        byte[] chunk = new byte[4096];
        int headEnd = -1;
        long bodyLength = -1; // -1: up to the close
        while (seen.size() < MAX_RESPONSE_BYTES) {
            if (headEnd >= 0 && bodyLength >= 0 && seen.size() - headEnd >= bodyLength) {
                break;
            }
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new SocketTimeoutException("deadline passed");
            }
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
            int n = in.read(chunk);
            if (n < 0) {
                break;
            }
            seen.write(chunk, 0, n);
            if (headEnd < 0) {
                String text = seen.toString(StandardCharsets.ISO_8859_1);
                int end = text.indexOf("\r\n\r\n");
                if (end >= 0) {
                    headEnd = end + 4;
                    bodyLength = contentLength(text.substring(0, end));
                }
            }
        }
        if (seen.size() == 0) {
            throw new IOException("closed without an answer");
        }
        String head = seen.toString(StandardCharsets.ISO_8859_1);
        return status(head.lines().findFirst().orElse(""));
    }

    /** {@code Content-Length}, or -1 (chunked, or none: the body ends with the connection). */
    private static long contentLength(String head) {
        long length = -1;
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            if (name.equals("transfer-encoding")) {
                return -1;
            }
            if (name.equals("content-length")) {
                try {
                    length = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return length;
    }

    /** The code of {@code HTTP/1.1 200 OK}, or -1. */
    private static int status(String statusLine) {
        String[] words = statusLine.split(" ", 3);
        if (words.length < 2 || !words[0].startsWith("HTTP/")) {
            return -1;
        }
        try {
            return Integer.parseInt(words[1]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** {@link #untilReady} on a daemon thread of its own, named {@code name}. */
    static void inBackground(String name, PortForward forward, String path, BooleanSupplier keepTrying, Runnable ready) {
        Thread probe = new Thread(() -> untilReady(forward, path, keepTrying, ready), name);
        probe.setDaemon(true);
        probe.start();
    }

    /**
     * Probes {@code path} every {@link #INTERVAL} while {@code keepTrying} holds (the instance is still
     * booting and QEMU alive; that bounds the wait) and runs {@code ready} on the first ready answer.
     */
    static void untilReady(PortForward forward, String path, BooleanSupplier keepTrying, Runnable ready) {
        while (keepTrying.getAsBoolean()) {
            if (probe(forward.reachableHost(), forward.hostPort(), path, ATTEMPT_TIMEOUT).ready()) {
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
