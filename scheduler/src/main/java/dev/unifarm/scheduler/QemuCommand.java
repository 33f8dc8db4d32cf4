package dev.unifarm.scheduler;

import dev.unifarm.imager.Image;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The QEMU command line for one instance (DESIGN section 5): no default devices, no reboot (a
 * guest reset means the app ended), serial console on stdout, QMP on a unix socket, one vCPU.
 */
final class QemuCommand {

    static final String BINARY = "qemu-system-x86_64";

    private QemuCommand() {
    }

    static List<String> of(LaunchRequest request, Image image, Accelerator accel, Path qmpSocket, Path pidFile) {
        List<String> command = new ArrayList<>(List.of(BINARY,
                "-nodefaults", "-no-reboot", "-nographic",
                "-serial", "stdio",
                "-qmp", "unix:" + qmpSocket + ",server=on,wait=off",
                "-pidfile", pidFile.toString(),
                "-smp", "1",
                "-m", request.memoryMiB() + "M"));
        command.addAll(accel.qemuArgs());
        command.addAll(List.of(
                "-kernel", image.kernel().toString(),
                "-initrd", image.initrd().toString(),
                "-append", image.manifest().commandLine(request.args(), request.env())));
        return command;
    }
}
