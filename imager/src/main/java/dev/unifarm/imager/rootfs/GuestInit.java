package dev.unifarm.imager.rootfs;

import dev.unifarm.imager.closure.HostElf;
import dev.unifarm.imager.model.ImagerException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code linux} profile's {@code /init}: a busybox script that runs the image's init steps
 * ({@link PowerButton}, {@link GuestNetwork} for an app with a port, {@link ResumeHelper}, and always {@link GuestEnv}),
 * then {@code exec}s the .NET host with the kernel's argv and env. The host is thus PID 1, as when the kernel starts it
 * directly: the {@code /proc/1} stand-ins describe it, and its exit is the kernel's exit-code panic.
 */
public final class GuestInit {

    public static final String INIT = "/init";
    static final String BUSYBOX = "/bin/busybox";
    static final String MODULES_DIR = "/lib/modules/unifarm";
    /** Debian's busybox-static, installed by scripts/provision. */
    public static final Path HOST_BUSYBOX = Path.of("/bin/busybox");

    private final Path busybox;
    private final PowerButton power;
    private final GuestNetwork network;
    private final ResumeHelper resume;
    private final StraceWrapper strace;

    /** {@code power} and {@code network} may each be null (step left out); the env step is always there. */
    public GuestInit(Path busybox, PowerButton power, GuestNetwork network) {
        this(busybox, power, network, null);
    }

    /** {@code strace} (a coverage reference run) non-null: the host runs under strace instead of being exec'd. */
    public GuestInit(Path busybox, PowerButton power, GuestNetwork network, StraceWrapper strace) {
        this(busybox, power, network, null, strace);
    }

    /** {@code resume} non-null: {@code /init} starts the resume helper in the background before the app. */
    public GuestInit(Path busybox, PowerButton power, GuestNetwork network, ResumeHelper resume, StraceWrapper strace) {
        this.busybox = busybox;
        this.power = power;
        this.network = network;
        this.resume = resume;
        this.strace = strace;
    }

    /** True when {@code busybox} can run in the guest: a file without an ELF interpreter (static). */
    public static boolean isStatic(Path busybox) {
        return Files.isRegularFile(busybox) && HostElf.read(busybox).interpreter() == null;
    }

    /** Adds busybox, the steps' modules and {@code /init} (which then starts {@code host}) to the base layer. */
    void addTo(RootfsTree tree, String host) {
        tree.copy(BUSYBOX, 0755, busybox);
        if (power != null) {
            power.addModulesTo(tree);
        }
        if (network != null) {
            network.addModulesTo(tree);
        }
        if (resume != null) {
            resume.addTo(tree);
        }
        if (strace != null) {
            strace.addTo(tree);
        }
        tree.add(new RootfsEntry.GeneratedFile(INIT, 0755, script(host).getBytes(StandardCharsets.UTF_8)));
    }

    String script(String host) {
        StringBuilder s = new StringBuilder();
        s.append("#!").append(BUSYBOX).append(" sh\n");
        s.append("# unifarm: init steps, then the app as PID 1 (argv and env as the kernel gave them)\n");
        // A function, not a variable: the kernel's env is the app's, and an app's own variable named
        // b would otherwise reach it as the busybox path.
        s.append("b() { ").append(BUSYBOX).append(" \"$@\"; }\n");
        if (power != null || network != null || resume != null) {
            // In a subshell, so the steps' variables (d, major, minor) never reach the app's env; before the env
            // step, so the app's decoded variables never reach the helper.
            s.append("(\n");
            if (power != null) {
                power.appendTo(s);
            }
            if (network != null) {
                network.appendTo(s);
            }
            if (resume != null) {
                resume.appendTo(s);
            }
            s.append(")\n");
        }
        GuestEnv.appendTo(s);
        if (strace != null) {
            strace.appendTo(s, host);
        } else {
            s.append("exec ").append(host).append(" \"$@\"\n");
        }
        return s.toString();
    }

    boolean powerButton() {
        return power != null;
    }

    /** True when {@code /init} starts the resume helper (the manifest's {@code boot.resumeHelper}). */
    public boolean resumeHelper() {
        return resume != null;
    }

    /** Reads a kernel dir's module list ({@code load-order}, {@code power-order}): .ko paths under {@code modulesDir}. */
    static List<String> moduleList(Path list, Path modulesDir, String errorType) {
        List<String> modules;
        try {
            modules = Files.readAllLines(list).stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String module : modules) {
            if (module.startsWith("/") || module.contains("..") || !module.endsWith(".ko") || !Files.isRegularFile(modulesDir.resolve(module))) {
                throw new ImagerException(errorType, "the kernel's " + list.getFileName() + " names " + module
                        + ", which is not a .ko file under " + modulesDir);
            }
        }
        return modules;
    }

    static void appendInsmods(StringBuilder s, List<String> modules) {
        for (String module : modules) {
            s.append("b insmod ").append(MODULES_DIR).append('/').append(module)
                    .append(" || echo \"init: cannot load ").append(module).append("\"\n");
        }
    }
}
