package dev.unifarm.scheduler.local;

import dev.unifarm.imager.model.ResumeProtocol;
import dev.unifarm.scheduler.Activation;
import dev.unifarm.scheduler.local.containment.Jail;
import dev.unifarm.scheduler.qmp.QmpClient;
import dev.unifarm.scheduler.qmp.SocketPaths;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Brings a {@link Activation.Restore} run's guest back (docs/instances.md, "Snapshots"): QEMU started with
 * {@code -incoming defer} and the state on descriptor {@link Jail#STATE_FD}; over QMP {@code x-ignore-shared}
 * on (RAM is the snapshot's file), {@code migrate-incoming fd:4}, {@code query-status} polled until it leaves
 * {@code inmigrate} (a {@code cont} before that is accepted and does nothing), which must be {@code paused},
 * then {@code cont}; then the resume handshake with the guest's helper on the control port
 * ({@link ResumeProtocol}): the farm's time and a fresh seed, answered {@code unifarm-resumed} within
 * {@link #HANDSHAKE_BOUND}. Any other outcome is an IOException whose message says what happened.
 */
final class RestoreSequence {

    static final Duration HANDSHAKE_BOUND = Duration.ofSeconds(2);
    private static final long POLL_MILLIS = 2;
    private static final int MAX_ANSWER = 512;
    private static final SecureRandom SEEDS = new SecureRandom();

    /** How long the steps took: loading the state (to {@code paused}), then {@code cont} and the handshake. */
    record Timings(Duration load, Duration resume) {
        String describe() {
            return "state loaded in " + load.toMillis() + " ms, guest resumed and answered the handshake in " + resume.toMillis() + " ms";
        }
    }

    private RestoreSequence() {
    }

    /** Loads the state and resumes the guest; each QMP step within {@code bound}. */
    static Timings run(QmpClient qmp, Path dir, Clock clock, Duration bound) throws IOException {
        long started = System.nanoTime();
        qmp.execute("migrate-set-capabilities", SnapshotTaker.xIgnoreShared());
        qmp.execute("migrate-incoming", QmpClient.arguments().put("uri", "fd:" + Jail.STATE_FD));
        long deadline = System.nanoTime() + bound.toNanos();
        String status = qmp.execute("query-status").path("status").asText();
        while (status.equals("inmigrate")) {
            if (System.nanoTime() > deadline) {
                throw new IOException("the snapshot's state did not load within " + bound);
            }
            sleep();
            status = qmp.execute("query-status").path("status").asText();
        }
        if (!status.equals("paused")) {
            throw new IOException("after loading the snapshot QEMU's run state is " + status + ", not paused");
        }
        long loaded = System.nanoTime();
        qmp.execute("cont");
        handshake(dir.resolve(QemuCommand.CONTROL_SOCKET), clock);
        return new Timings(Duration.ofNanos(loaded - started), Duration.ofNanos(System.nanoTime() - loaded));
    }

    /** Steps the guest's clock and reseeds its CRNG through the helper; anything but its ack is an IOException. */
    static void handshake(Path controlSocket, Clock clock) throws IOException {
        long deadline = System.nanoTime() + HANDSHAKE_BOUND.toNanos();
        byte[] seed = new byte[ResumeProtocol.SEED_BYTES];
        SEEDS.nextBytes(seed);
        Instant now = clock.instant();
        String request = ResumeProtocol.request(now.getEpochSecond(), now.getNano(), seed);
        try (SocketChannel control = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            control.connect(UnixDomainSocketAddress.of(SocketPaths.forConnecting(controlSocket)));
            ByteBuffer line = ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.US_ASCII));
            while (line.hasRemaining()) {
                control.write(line);
            }
            String what = "the guest's resume helper (" + ResumeProtocol.HELPER + ")";
            String answer = UnixChannels.readLine(control, MAX_ANSWER, deadline, what);
            while (answer.isBlank() || answer.equals(request)) { // a terminal's echo, if the helper's tty echoes
                answer = UnixChannels.readLine(control, MAX_ANSWER, deadline, what);
            }
            if (!answer.equals(ResumeProtocol.ACK)) {
                throw new IOException(what + " answered \"" + answer + "\"");
            }
        }
    }

    private static void sleep() throws IOException {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the snapshot loaded", e);
        }
    }
}
