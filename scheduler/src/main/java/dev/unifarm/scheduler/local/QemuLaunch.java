package dev.unifarm.scheduler.local;

import dev.unifarm.scheduler.Accelerator;
import dev.unifarm.scheduler.LaunchRequest;
import dev.unifarm.scheduler.local.containment.Jail;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts one run's QEMU: refuses a launch its {@link dev.unifarm.scheduler.Activation} cannot take
 * ({@link ActivationRun#refusal}), contains it ({@link Jail}), builds its command line with the app's port
 * forward, writes what it runs beside it and starts it. A failure is an IOException whose message is the
 * run's {@code StartFailed} message; nothing of the run is left held (its jail released).
 */
final class QemuLaunch {

    /** A started QEMU, its jail and its port forward (null for an app without a port). */
    record Started(QemuProcess qemu, Jail jail, PortForward forward) {
    }

    private QemuLaunch() {
    }

    static Started start(LaunchRequest request, LocalOptions options, Accelerator accel) throws IOException {
        String refused = ActivationRun.refusal(request);
        if (refused != null) {
            throw new IOException(refused);
        }
        Path dir = request.instanceDir();
        Jail jail;
        try {
            Files.createDirectories(dir.resolve(Jail.VM_DIR));
            jail = options.containment().prepare(request, accel);
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot contain " + QemuCommand.BINARY + ": " + e.getMessage(), e);
        }
        // QEMU runs in the instance dir, so its socket and pid file names stay short (see SocketPaths).
        List<String> command = new ArrayList<>(QemuCommand.of(request, request.image(), accel, Path.of(QemuInstance.QMP_SOCKET), null, jail));
        PortForward forward = null;
        if (request.port() > 0) {
            forward = PortForward.toGuest(options.forwardHost(), request.port());
            command.addAll(forward.qemuArgs(options.containment().guestOutbound()));
        }
        try {
            QemuProcess.prepare(dir, command, jail);
            return new Started(QemuProcess.start(jail.command(command), dir), jail, forward);
        } catch (IOException e) {
            jail.release();
            throw new IOException("cannot start " + QemuCommand.BINARY + ": " + e.getMessage(), e);
        }
    }
}
