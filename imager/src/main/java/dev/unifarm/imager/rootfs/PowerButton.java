package dev.unifarm.imager.rootfs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The {@code linux} profile's power-button step, so a guest honours QMP {@code system_powerdown}:
 * Debian's cloud kernel has the ACPI button driver ({@code button.ko}) and the input event device
 * ({@code evdev.ko}) only as modules. {@code /init} loads them (in the order of the kernel dir's
 * {@code modules/power-order}, written by scripts/provision), finds the input device named
 * {@code Power Button} through a private sysfs mount, and leaves a busybox watcher behind that
 * blocks on its event node and sends SIGTERM to PID 1 at the first press. PID 1 is by then the
 * .NET host (init {@code exec}s it), which CoreCLR turns into {@code AppDomain.ProcessExit}; the
 * host then exits and the kernel's panic line carries its exit status as before.
 */
public final class PowerButton {

    static final String POWER_ORDER = "power-order";
    /** The name the ACPI button driver gives the fixed power button's input device. */
    static final String DEVICE_NAME = "Power Button";
    /** Where sysfs is mounted briefly: not /sys, which holds the image's cpu stand-in. */
    static final String SYSFS = "/run/unifarm-sys";
    /** One struct input_event on x86-64: evdev refuses reads shorter than that. */
    static final int INPUT_EVENT_BYTES = 24;

    private final Path modulesDir;
    private final List<String> modules;

    private PowerButton(Path modulesDir, List<String> modules) {
        this.modulesDir = modulesDir;
        this.modules = modules;
    }

    /**
     * The step for {@code kernel} (its package's {@code modules/power-order} next to it), or empty,
     * with the reason logged, when the kernel dir has no such list (a kernel not provisioned by
     * scripts/provision): the image then starts the host directly and ignores powerdown.
     */
    public static Optional<PowerButton> forKernel(Path kernel, Consumer<String> log) {
        Path modulesDir = kernel.toAbsolutePath().getParent().resolve("modules");
        Path list = modulesDir.resolve(POWER_ORDER);
        if (!Files.isRegularFile(list)) {
            log.accept("power: no " + list + " (run scripts/provision to add the ACPI button modules):"
                    + " this image ignores system_powerdown and stops end by quit");
            return Optional.empty();
        }
        List<String> modules = GuestInit.moduleList(list, modulesDir, "power-unsupported");
        return Optional.of(new PowerButton(modulesDir, modules));
    }

    void addModulesTo(RootfsTree tree) {
        modules.forEach(module -> tree.copy(GuestInit.MODULES_DIR + "/" + module, 0644, modulesDir.resolve(module)));
    }

    /** Script lines: load the modules, then one watcher per power-button event device. */
    void appendTo(StringBuilder s) {
        s.append("# power button: QMP system_powerdown -> ACPI power button -> SIGTERM to PID 1 (the app, once exec'd)\n");
        GuestInit.appendInsmods(s, modules);
        s.append("b mkdir -p ").append(SYSFS).append('\n');
        s.append("if b mount -t sysfs sysfs ").append(SYSFS).append("; then\n");
        s.append("  for d in ").append(SYSFS).append("/class/input/event*; do\n");
        s.append("    [ \"$(b cat $d/device/name 2>/dev/null)\" = \"").append(DEVICE_NAME).append("\" ] || continue\n");
        s.append("    IFS=: read major minor < $d/dev\n");
        s.append("    b mknod /run/power-button-$minor c $major $minor\n");
        // Blocks until the first event (a press); a failed read sends nothing.
        s.append("    ( b dd if=/run/power-button-$minor of=/dev/null bs=").append(INPUT_EVENT_BYTES)
                .append(" count=1 2>/dev/null && kill -TERM 1 ) &\n");
        s.append("  done\n");
        s.append("  b umount ").append(SYSFS).append('\n');
        s.append("else\n");
        s.append("  echo \"init: no sysfs, the power button is not watched\"\n");
        s.append("fi\n");
    }

    public List<String> modules() {
        return modules;
    }
}
