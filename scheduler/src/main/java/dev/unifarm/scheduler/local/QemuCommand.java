package dev.unifarm.scheduler.local;

import dev.unifarm.imager.kernel.KernelCommandLine;
import dev.unifarm.imager.kernel.UnikraftCommandLine;
import dev.unifarm.imager.model.CommandLineKind;
import dev.unifarm.imager.model.Image;
import dev.unifarm.imager.model.KernelProfile;
import dev.unifarm.scheduler.Accelerator;
import dev.unifarm.scheduler.Activation;
import dev.unifarm.scheduler.Confinement;
import dev.unifarm.scheduler.LaunchRequest;
import dev.unifarm.scheduler.console.CompatConsoleProtocol;
import dev.unifarm.scheduler.local.containment.Containment;
import dev.unifarm.scheduler.local.containment.Jail;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The QEMU command line for one instance (docs/instances.md, "scheduler"): no default devices, no
 * reboot (a guest reset means the app ended), serial console into a file of its own, QMP on a unix
 * socket, one vCPU, and the root filesystem as the image's profile delivers it.
 */
final class QemuCommand {

    static final String BINARY = "qemu-system-x86_64";
    static final String FSDEV_ID = "fs0";
    static final String CONSOLE_CHARDEV = "con0";
    /** The control serial port of snapshot and restore runs (the guest's ttyS1: {@code ResumeProtocol}). */
    static final String CONTROL_CHARDEV = "ctl0";
    static final String CONTROL_SOCKET = Jail.VM_DIR + "/ctl.sock";
    /** Guest RAM's backend id: a plain {@code -m} boot names its RAM block {@code pc.ram}, and a restore must match it. */
    static final String RAM_BACKEND = "pc.ram";

    private QemuCommand() {
    }

    static List<String> of(LaunchRequest request, Image image, Accelerator accel, Path qmpSocket, Path pidFile) {
        return of(request, image, accel, qmpSocket, pidFile, Jail.unconfined(
                new Confinement(0, 0, false, Containment.SANDBOX, null, null, null, null, false, null)));
    }

    /**
     * The command for a run in {@code jail}: the image by the paths QEMU sees there, its console, its sandbox
     * (none only when containment is off); {@code pidFile} null: the farm writes the pid file itself.
     */
    static List<String> of(LaunchRequest request, Image image, Accelerator accel, Path qmpSocket, Path pidFile, Jail jail) {
        List<String> command = new ArrayList<>(List.of(BINARY,
                "-nodefaults", "-no-reboot", "-nographic"));
        if (jail.confinement().sandbox() != null) {
            command.addAll(List.of("-sandbox", jail.confinement().sandbox()));
        }
        command.addAll(List.of(
                // QEMU writes the console to a file itself: it outlives the farm process (adoption).
                // append=on: after the tail truncates it (its size cap), QEMU writes at the new end.
                // A contained QEMU writes it through the descriptor its jail opened (Jail.consoleArgs).
                "-chardev", "file,id=" + CONSOLE_CHARDEV + ",path=" + jail.consolePath() + ",append=on",
                "-serial", "chardev:" + CONSOLE_CHARDEV));
        command.addAll(activationArgs(request, jail));
        command.addAll(List.of(
                "-qmp", "unix:" + qmpSocket + ",server=on,wait=off",
                "-smp", "1",
                "-m", request.memoryMiB() + "M"));
        command.addAll(jail.consoleArgs());
        if (pidFile != null) {
            command.addAll(List.of("-pidfile", pidFile.toString()));
        }
        command.addAll(accel.qemuArgs(image.manifest().boot().commandLineKind()));
        command.addAll(List.of("-kernel", jail.kernel(image)));
        command.addAll(rootfs(image, jail.rootfs(image)));
        if (image.manifest().boot().exitDetection() == KernelProfile.ExitDetection.UNIFARM_COMPAT) {
            // the compatibility layer ends the VM through it with the app's exit code (app-elfloader idles instead)
            command.addAll(List.of("-device", CompatConsoleProtocol.ISA_DEBUG_EXIT));
        }
        command.addAll(List.of("-append", networkParameters(request, image) + KernelCommandLine.of(image.manifest(), request.args(), request.env())));
        return command;
    }

    /**
     * What a snapshot or restore run adds to a boot's command line (nothing else may differ: the device set must
     * match): the control serial port, after the console's so the guest sees it as ttyS1; guest RAM in a file,
     * shared (the snapshot: QEMU creates it in {@code vm/}, and it stays the guest's memory once QEMU quits) or
     * private (a restore: copy-on-write over the snapshot's file); a restore waits for its state
     * ({@code -incoming defer}: {@code x-ignore-shared} can be set over QMP only).
     */
    static List<String> activationArgs(LaunchRequest request, Jail jail) {
        Activation activation = request.activation();
        if (activation instanceof Activation.Boot) {
            return List.of();
        }
        List<String> args = new ArrayList<>(List.of(
                "-chardev", "socket,id=" + CONTROL_CHARDEV + ",path=" + CONTROL_SOCKET + ",server=on,wait=off",
                "-serial", "chardev:" + CONTROL_CHARDEV));
        String ram = activation instanceof Activation.Restore restore
                ? escapeOption(jail.snapshotRam(restore)) + ",share=off"
                : Activation.Snapshot.RAM + ",share=on";
        args.addAll(List.of(
                "-object", "memory-backend-file,id=" + RAM_BACKEND + ",size=" + request.memoryMiB() + "M,mem-path=" + ram,
                "-machine", "memory-backend=" + RAM_BACKEND));
        if (activation instanceof Activation.Restore) {
            args.addAll(List.of("-incoming", "defer"));
        }
        return args;
    }

    /**
     * A Unikraft guest with a port gets its address from the command line: app-elfloader's lwIP brings
     * its interface up with no IPv4 address (no DHCP client), so the forwarded port reaches nothing.
     * {@code netdev.ip} (uknetdev's {@code CONFIG_LIBUKNETDEV_EINFO_LIBPARAM}) gives netdev0 QEMU's
     * user-network address; a kernel without that option warns "Unknown or invalid" and boots on.
     * Linux guests configure eth0 in their init step.
     */
    static String networkParameters(LaunchRequest request, Image image) {
        if (request.port() <= 0 || image.manifest().boot().commandLineKind() != CommandLineKind.UNIKRAFT) {
            return "";
        }
        return "netdev.ip=[ " + PortForward.GUEST_CIDR + ":" + PortForward.GUEST_GATEWAY + ":" + PortForward.GUEST_DNS + " ] ";
    }

    /**
     * The root filesystem at {@code path} (as QEMU sees it, see {@link Jail}): {@code -initrd}, or for a {@code 9pfs} image its tree shared read-only
     * over virtio-9p under the mount tag the command line's {@code vfs.fstab} names ({@code fs0}).
     * {@code security_model=none} passes the host files through as they are (no xattr mapping).
     */
    static List<String> rootfs(Image image, String path) {
        if (image.manifest().boot().rootfsDelivery() != KernelProfile.Delivery.NINE_P) {
            return List.of("-initrd", path);
        }
        String tag = UnikraftCommandLine.MOUNT_TAG;
        return List.of(
                "-fsdev", "local,id=" + FSDEV_ID + ",path=" + escapeOption(path)
                        + ",security_model=none,readonly=on",
                "-device", "virtio-9p-pci,fsdev=" + FSDEV_ID + ",mount_tag=" + tag);
    }

    /** QEMU's option syntax splits on commas; a literal comma in a value is written twice. */
    static String escapeOption(String value) {
        return value.replace(",", ",,");
    }
}
