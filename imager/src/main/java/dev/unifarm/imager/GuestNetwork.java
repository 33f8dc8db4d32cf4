package dev.unifarm.imager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code linux} profile's network init step (DESIGN section 4): Debian's cloud kernel has
 * {@code virtio_net}/{@code virtio_pci} only as modules and no {@code ip=} autoconfiguration, so an
 * image for an app with a port gets a static busybox, the modules from the kernel package (in the
 * order of its {@code modules/load-order}) and {@code /init-net}, which the kernel runs as init: it
 * loads them, brings up {@code eth0} for QEMU's user network (10.0.2.15/24, gateway 10.0.2.2) and
 * {@code exec}s the .NET host with the app's argv, so the app is still PID 1 with the kernel's env.
 */
final class GuestNetwork {

    static final String INIT = "/init-net";
    static final String BUSYBOX = "/bin/busybox";
    static final String MODULES_DIR = "/lib/modules/unifarm";
    static final String GUEST_ADDRESS = "10.0.2.15/24";
    static final String GATEWAY = "10.0.2.2";
    /** Debian's busybox-static, installed by scripts/provision. */
    static final Path HOST_BUSYBOX = Path.of("/bin/busybox");

    private final Path busybox;
    private final Path modulesDir;
    private final List<String> modules;

    private GuestNetwork(Path busybox, Path modulesDir, List<String> modules) {
        this.busybox = busybox;
        this.modulesDir = modulesDir;
        this.modules = modules;
    }

    /** The parts for {@code kernel}: its package's {@code modules/} next to it, and the host's static busybox. */
    static GuestNetwork forKernel(Path kernel, Path busybox) {
        Path modulesDir = kernel.toAbsolutePath().getParent().resolve("modules");
        Path loadOrder = modulesDir.resolve("load-order");
        if (!Files.isRegularFile(loadOrder)) {
            throw new ImagerException("network-unsupported", "an app with a port needs the kernel's network modules, but "
                    + loadOrder + " does not exist: run scripts/provision (it extracts them from the kernel package)");
        }
        if (!Files.isRegularFile(busybox) || HostElf.read(busybox).interpreter() != null) {
            throw new ImagerException("network-unsupported", "an app with a port needs a static busybox at " + busybox
                    + ": install Debian's busybox-static (scripts/provision does)");
        }
        List<String> modules;
        try {
            modules = Files.readAllLines(loadOrder).stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String module : modules) {
            if (module.startsWith("/") || module.contains("..") || !module.endsWith(".ko") || !Files.isRegularFile(modulesDir.resolve(module))) {
                throw new ImagerException("network-unsupported", "the kernel's load-order names " + module
                        + ", which is not a .ko file under " + modulesDir);
            }
        }
        return new GuestNetwork(busybox, modulesDir, modules);
    }

    /** Adds busybox, the modules and {@code /init-net} (which then starts {@code host}) to the base layer. */
    void addTo(RootfsTree tree, String host) {
        tree.copy(BUSYBOX, 0755, busybox);
        modules.forEach(module -> tree.copy(MODULES_DIR + "/" + module, 0644, modulesDir.resolve(module)));
        tree.add(new RootfsEntry.GeneratedFile(INIT, 0755, script(host).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    String script(String host) {
        StringBuilder s = new StringBuilder();
        s.append("#!").append(BUSYBOX).append(" sh\n");
        s.append("# unifarm: network for QEMU's user net, then the app as PID 1 (argv and env as the kernel gave them)\n");
        s.append("b=").append(BUSYBOX).append('\n');
        for (String module : modules) {
            s.append("$b insmod ").append(MODULES_DIR).append('/').append(module)
                    .append(" || echo \"init-net: cannot load ").append(module).append("\"\n");
        }
        s.append("$b ip link set lo up\n");
        s.append("$b ip addr add ").append(GUEST_ADDRESS).append(" dev eth0 || echo \"init-net: no eth0\"\n");
        s.append("$b ip link set eth0 up\n");
        s.append("$b ip route add default via ").append(GATEWAY).append('\n');
        s.append("exec ").append(host).append(" \"$@\"\n");
        return s.toString();
    }
}
