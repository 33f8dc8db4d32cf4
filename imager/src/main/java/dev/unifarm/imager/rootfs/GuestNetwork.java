package dev.unifarm.imager.rootfs;

import dev.unifarm.imager.model.ImagerException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code linux} profile's network step of {@link GuestInit} (docs/images.md, "imager"):
 * Debian's cloud kernel has {@code virtio_net}/{@code virtio_pci} only as modules and no {@code ip=}
 * autoconfiguration, so an image for an app with a port gets the modules from the kernel package (in
 * the order of its {@code modules/load-order}), and {@code /init} loads them and brings up {@code eth0}
 * for QEMU's user network (10.0.2.15/24, gateway 10.0.2.2) before the app.
 */
public final class GuestNetwork {

    public static final String GUEST_ADDRESS = "10.0.2.15/24";
    public static final String GATEWAY = "10.0.2.2";

    private final Path modulesDir;
    private final List<String> modules;

    private GuestNetwork(Path modulesDir, List<String> modules) {
        this.modulesDir = modulesDir;
        this.modules = modules;
    }

    /** The parts for {@code kernel}: its package's {@code modules/} next to it, and the host's static busybox. */
    public static GuestNetwork forKernel(Path kernel, Path busybox) {
        Path modulesDir = kernel.toAbsolutePath().getParent().resolve("modules");
        Path loadOrder = modulesDir.resolve("load-order");
        if (!Files.isRegularFile(loadOrder)) {
            throw new ImagerException("network-unsupported", "an app with a port needs the kernel's network modules, but "
                    + loadOrder + " does not exist: run scripts/provision (it extracts them from the kernel package)");
        }
        if (!GuestInit.isStatic(busybox)) {
            throw new ImagerException("network-unsupported", "an app with a port needs a static busybox at " + busybox
                    + ": install Debian's busybox-static (scripts/provision does)");
        }
        return new GuestNetwork(modulesDir, GuestInit.moduleList(loadOrder, modulesDir, "network-unsupported"));
    }

    void addModulesTo(RootfsTree tree) {
        modules.forEach(module -> tree.copy(GuestInit.MODULES_DIR + "/" + module, 0644, modulesDir.resolve(module)));
    }

    /** Script lines: load the modules, then configure lo and eth0. */
    void appendTo(StringBuilder s) {
        s.append("# network for QEMU's user net\n");
        GuestInit.appendInsmods(s, modules);
        s.append("b ip link set lo up\n");
        s.append("b ip addr add ").append(GUEST_ADDRESS).append(" dev eth0 || echo \"init: no eth0\"\n");
        s.append("b ip link set eth0 up\n");
        s.append("b ip route add default via ").append(GATEWAY).append('\n');
    }

    List<String> modules() {
        return modules;
    }
}
