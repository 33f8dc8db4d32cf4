package dev.unifarm.scheduler.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * Bounded waits on the unix sockets of a snapshot or restore run (QEMU's migration stream, the guest's control
 * port): every accept and read ends by a deadline ({@link System#nanoTime()}), so a QEMU or guest that goes
 * quiet is a failure with a message, not a hung run.
 */
final class UnixChannels {

    private UnixChannels() {
    }

    /** The first connection to {@code server}, or an IOException saying {@code what} did not connect in time. */
    static SocketChannel accept(ServerSocketChannel server, long deadline, String what) throws IOException {
        server.configureBlocking(false);
        try (Selector selector = Selector.open()) {
            server.register(selector, SelectionKey.OP_ACCEPT);
            while (true) {
                SocketChannel accepted = server.accept();
                if (accepted != null) {
                    return accepted;
                }
                selector.select(remainingMillis(deadline, what + " did not connect in time"));
                selector.selectedKeys().clear();
            }
        }
    }

    /** Copies {@code channel} to {@code out} until its end; more than {@code limit} bytes, or the deadline passing, is an IOException. */
    static long copy(SocketChannel channel, OutputStream out, long limit, long deadline, String what) throws IOException {
        long copied = 0;
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        channel.configureBlocking(false);
        try (Selector selector = Selector.open()) {
            channel.register(selector, SelectionKey.OP_READ);
            while (true) {
                int n = channel.read(buffer.clear());
                if (n < 0) {
                    return copied;
                }
                if (n == 0) {
                    selector.select(remainingMillis(deadline, what + " did not end in time (" + copied + " bytes so far)"));
                    selector.selectedKeys().clear();
                    continue;
                }
                copied += n;
                if (copied > limit) {
                    throw new IOException(what + " is longer than " + limit + " bytes: not a snapshot's state");
                }
                out.write(buffer.array(), 0, n);
            }
        }
    }

    /** One line (without {@code \r\n}) of at most {@code max} bytes; its end, or the deadline passing, is an IOException. */
    static String readLine(SocketChannel channel, int max, long deadline, String what) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        ByteBuffer one = ByteBuffer.allocate(1);
        channel.configureBlocking(false);
        try (Selector selector = Selector.open()) {
            channel.register(selector, SelectionKey.OP_READ);
            while (line.size() <= max) {
                int n = channel.read(one.clear());
                if (n < 0) {
                    throw new IOException(what + " closed after \"" + line.toString(StandardCharsets.US_ASCII) + "\"");
                }
                if (n == 0) {
                    selector.select(remainingMillis(deadline, what + " sent no whole line in time (got \"" + line.toString(StandardCharsets.US_ASCII) + "\")"));
                    selector.selectedKeys().clear();
                    continue;
                }
                byte b = one.get(0);
                if (b == '\n') {
                    return line.toString(StandardCharsets.US_ASCII).replace("\r", "");
                }
                line.write(b);
            }
            throw new IOException(what + " sent a line longer than " + max + " bytes");
        }
    }

    private static long remainingMillis(long deadline, String failure) throws IOException {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
            throw new IOException(failure);
        }
        return left;
    }
}
