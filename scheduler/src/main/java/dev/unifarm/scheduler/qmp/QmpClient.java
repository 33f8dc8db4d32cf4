package dev.unifarm.scheduler.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A QEMU Machine Protocol client over QEMU's unix socket: one JSON object per line. A reader thread
 * hands asynchronous events ({@code SHUTDOWN}, {@code STOP}, {@code POWERDOWN}, …) to a listener and
 * everything else to the waiting caller, so every wait is bounded: a QEMU that accepts the connection
 * but never answers (frozen, or another client holds the monitor) is an IOException, not a hang.
 * Connecting reads the greeting and negotiates capabilities, as QMP requires before any command.
 */
public final class QmpClient implements AutoCloseable {

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNode CLOSED = JSON.createObjectNode().put("closed", true);

    private final SocketChannel channel;
    private final BlockingQueue<JsonNode> replies = new LinkedBlockingQueue<>();
    private final Consumer<JsonNode> events;
    private final Duration timeout;
    private final java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);

    private QmpClient(SocketChannel channel, Consumer<JsonNode> events, Duration timeout) {
        this.channel = channel;
        this.events = events;
        this.timeout = timeout;
        Thread reader = new Thread(this::read, "qmp-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** An empty arguments object to fill, e.g. {@code arguments().put("uri", "fd:4")}. */
    public static ObjectNode arguments() {
        return JSON.createObjectNode();
    }

    public static QmpClient connect(Path socket) throws IOException {
        return connect(socket, event -> { }, DEFAULT_TIMEOUT);
    }

    /** Connects; {@code events} hears every QMP event (on the reader thread); each reply is awaited at most {@code timeout}. */
    public static QmpClient connect(Path socket, Consumer<JsonNode> events, Duration timeout) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
            QmpClient client = new QmpClient(channel, events, timeout);
            JsonNode greeting = client.nextReply("greeting");
            if (!greeting.has("QMP")) {
                throw new IOException("not a QMP greeting: " + greeting);
            }
            client.execute("qmp_capabilities");
            return client;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Runs a command and returns its {@code return} value; a QMP error, a closed connection or no answer in time is an IOException. */
    public JsonNode execute(String command) throws IOException {
        return execute(command, null);
    }

    /** {@link #execute(String)} with {@code arguments} (null: none). */
    public synchronized JsonNode execute(String command, JsonNode arguments) throws IOException {
        // synchronized: a shared connection (QmpMonitor) must not interleave two commands' replies
        ObjectNode request = JSON.createObjectNode().put("execute", command);
        if (arguments != null) {
            request.set("arguments", arguments);
        }
        ByteBuffer bytes = ByteBuffer.wrap((JSON.writeValueAsString(request) + "\n").getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
        JsonNode message = nextReply(command);
        if (message.has("error")) {
            throw new IOException("QMP " + command + " failed: " + message.get("error"));
        }
        return message.get("return");
    }

    private JsonNode nextReply(String what) throws IOException {
        JsonNode message;
        try {
            message = replies.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for QMP " + what, e);
        }
        if (message == null) {
            throw new IOException("no QMP answer to " + what + " within " + timeout);
        }
        if (message == CLOSED) {
            replies.add(CLOSED); // later callers see it too
            throw new IOException("QMP connection closed");
        }
        return message;
    }

    private void read() {
        // Not Channels.newInputStream: on JDK 17 its read holds the channel's blocking lock, which its
        // writes need too, so a blocked read would block every command.
        InputStream raw = new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return channel.read(ByteBuffer.wrap(b, off, len));
            }
        };
        try (BufferedReader in = new BufferedReader(new InputStreamReader(raw, StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                JsonNode message = JSON.readTree(line);
                if (message.has("event")) {
                    events.accept(message);
                } else {
                    replies.add(message);
                }
            }
        } catch (IOException | RuntimeException e) {
            // closed by us or by QEMU: either way there are no more replies
        }
        replies.add(CLOSED);
        ended.countDown();
    }

    /** Waits until the connection has ended (QEMU exited or closed it) and every event before that was handed on. */
    boolean awaitEnd(Duration wait) throws InterruptedException {
        return ended.await(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
