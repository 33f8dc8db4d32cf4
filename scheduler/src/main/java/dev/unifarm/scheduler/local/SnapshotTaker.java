package dev.unifarm.scheduler.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.unifarm.scheduler.Activation;
import dev.unifarm.scheduler.Confinement;
import dev.unifarm.scheduler.local.containment.Jail;
import dev.unifarm.scheduler.qmp.QmpClient;
import dev.unifarm.scheduler.qmp.SocketPaths;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * Takes the snapshot of a {@link Activation.Snapshot} run whose guest is ready (docs/instances.md, "Snapshots"):
 * QMP {@code stop}, {@code x-ignore-shared} on (guest RAM is the shared file QEMU booted on, so the stream
 * carries device state only), {@code migrate} to a unix socket the farm listens on in the instance's {@code vm/}
 * (never {@code exec:}: the sandbox kills QEMU on a spawn), the stream kept only from a peer running as QEMU's
 * uid, written to {@link Activation.Snapshot#STATE} under a temporary name and renamed once QEMU says the
 * migration completed. The caller then quits QEMU: the RAM file is the paused guest's memory.
 */
final class SnapshotTaker {

    static final String MIGRATION_SOCKET = Jail.VM_DIR + "/mig.sock";
    /** A device-state stream is well under 1 MiB (617 KB for echo-http): anything this long is not one. */
    static final long MAX_STATE_BYTES = 64L * 1024 * 1024;
    private static final long POLL_MILLIS = 5;

    /** What was written: the state's size and how long the guest was paused until the migration completed. */
    record Taken(long stateBytes, long ramBytes, Duration pause) {
        String describe() {
            return "snapshot taken: state " + stateBytes + " bytes, RAM file " + ramBytes / (1024 * 1024) + " MiB; the guest was paused "
                    + pause.toMillis() + " ms to save it";
        }
    }

    private SnapshotTaker() {
    }

    /** Saves the paused guest of the QEMU behind {@code qmp}, which runs as {@code qemuAs}; each step within {@code bound}. */
    static Taken take(QmpClient qmp, Path dir, Confinement qemuAs, Duration bound) throws IOException {
        Path socket = dir.resolve(MIGRATION_SOCKET);
        Path state = Activation.Snapshot.state(dir);
        Path partial = state.resolveSibling(state.getFileName() + ".partial");
        Files.deleteIfExists(socket);
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(SocketPaths.forConnecting(socket)));
            // only root and QEMU's uid may connect (vm/ is QEMU's, 0700; the socket QEMU's, 0600)
            Files.setAttribute(socket, "unix:uid", qemuAs.uid());
            Files.setAttribute(socket, "unix:gid", qemuAs.gid());
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            long started = System.nanoTime();
            long deadline = started + bound.toNanos();
            qmp.execute("stop");
            qmp.execute("migrate-set-capabilities", xIgnoreShared());
            // the path as QEMU sees it from its working dir, the instance dir (/tmp/instance in its jail)
            qmp.execute("migrate", QmpClient.arguments().put("uri", "unix:" + MIGRATION_SOCKET));
            long bytes;
            try (SocketChannel stream = UnixChannels.accept(server, deadline, "QEMU's migration stream")) {
                checkPeer(stream, qemuAs.uid());
                try (OutputStream out = Files.newOutputStream(partial)) {
                    bytes = UnixChannels.copy(stream, out, MAX_STATE_BYTES, deadline, "QEMU's migration stream");
                }
            }
            awaitCompleted(qmp, deadline);
            Duration pause = Duration.ofNanos(System.nanoTime() - started);
            Files.move(partial, state, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return new Taken(bytes, Files.size(Activation.Snapshot.ram(dir)), pause);
        } finally {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(partial);
        }
    }

    /** {@code x-ignore-shared} on: RAM in a shared backend is not sent (the file is the RAM). */
    static JsonNode xIgnoreShared() {
        var arguments = QmpClient.arguments();
        arguments.putArray("capabilities").addObject().put("capability", "x-ignore-shared").put("state", true);
        return arguments;
    }

    /** The stream is stored as the revision's snapshot: it must come from QEMU's uid, not from whoever connected first. */
    private static void checkPeer(SocketChannel stream, int uid) throws IOException {
        UnixDomainPrincipal peer = stream.getOption(ExtendedSocketOptions.SO_PEERCRED);
        UserPrincipal qemu = FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(Integer.toString(uid));
        if (!peer.user().equals(qemu)) {
            throw new IOException("the migration socket's peer runs as " + peer.user().getName() + ", not as QEMU's uid " + uid
                    + ": its stream was not kept");
        }
    }

    /** Polls {@code query-migrate} until it says {@code completed}; {@code failed} or {@code cancelled} is an IOException. */
    private static void awaitCompleted(QmpClient qmp, long deadline) throws IOException {
        while (true) {
            JsonNode migration = qmp.execute("query-migrate");
            String status = migration.path("status").asText();
            switch (status) {
                case "completed" -> {
                    return;
                }
                case "failed", "cancelled" -> throw new IOException("QEMU's migration " + status + ": "
                        + migration.path("error-desc").asText("no error given"));
                default -> {
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("QEMU's migration did not complete in time (status " + status + ")");
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted waiting for the migration", e);
            }
        }
    }
}
