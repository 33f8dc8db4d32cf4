package dev.unifarm.imager.rootfs;

import dev.unifarm.imager.bundle.Bundle;
import dev.unifarm.imager.closure.NativeClosure;
import dev.unifarm.imager.model.KernelProfile;
import dev.unifarm.imager.model.StackRange;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * Lays out the root filesystem CoreCLR needs on a kernel without procfs or devtmpfs
 * (docs/images.md, "imager", root filesystem of every image): app, runtime, native closure,
 * and the files that stand in for {@code /proc}, {@code /sys} and {@code /dev}.
 */
public final class RootfsLayout {

    public static final String APP_DIR = "/app";
    static final String DOTNET_ROOT = "/usr/share/dotnet";
    public static final String HOST = DOTNET_ROOT + "/dotnet";
    static final String LIB_DIR = "/lib/x86_64-linux-gnu";

    private final Bundle bundle;
    private final RuntimeSource runtime;
    private final NativeClosure.Result closure;
    private final KernelProfile profile;
    private final Set<ProcPatch> omitted;
    private final GuestInit init;

    public RootfsLayout(Bundle bundle, RuntimeSource runtime, NativeClosure.Result closure, KernelProfile profile,
            Set<ProcPatch> omitted) {
        this(bundle, runtime, closure, profile, omitted, null);
    }

    /** With {@code init} (or null): {@code /init}, busybox and its steps' modules join the base layer. */
    public RootfsLayout(Bundle bundle, RuntimeSource runtime, NativeClosure.Result closure, KernelProfile profile,
            Set<ProcPatch> omitted, GuestInit init) {
        this.init = init;
        this.bundle = bundle;
        this.runtime = runtime;
        this.closure = closure;
        this.profile = profile;
        this.omitted = omitted;
    }

    /**
     * The tree in two layers: the base (runtime, libraries, {@code /proc} stand-ins; the same for
     * every app on this runtime and profile, so it is encoded once and cached) and the app.
     */
    public RootfsLayers lay() {
        RootfsTree base = new RootfsTree();
        runtime.shared().ifPresent(shared -> addTree(base, shared.root(), DOTNET_ROOT));
        closure.libraries().forEach(lib -> base.copy(LIB_DIR + "/" + lib.soname(), 0755, lib.source()));
        base.copy(closure.interpreter().soname(), 0755, closure.interpreter().source());
        addProcAndSys(base);
        addDevAndEtc(base);
        if (init != null) {
            init.addTo(base, runtime.executable());
        }
        RootfsTree app = new RootfsTree();
        addApp(app);
        return new RootfsLayers(base, app);
    }

    private void addApp(RootfsTree tree) {
        String config = bundle.runtimeConfig().fileName();
        for (String file : bundle.files()) {
            String path = APP_DIR + "/" + file;
            if (file.equals(config)) {
                tree.bytes(path, bundle.runtimeConfig().withInvariantGlobalization());
            } else {
                // Archives often lose exec bits: the host a self-contained app carries must stay runnable.
                boolean executable = file.endsWith(".so") || path.equals(runtime.executable());
                tree.copy(path, executable ? 0755 : 0644, bundle.root().resolve(file));
            }
        }
    }

    private static void addTree(RootfsTree tree, Path source, String target) {
        try (var walk = Files.walk(source)) {
            walk.filter(Files::isRegularFile).sorted().forEach(file -> {
                String relative = source.relativize(file).toString();
                int mode = Files.isExecutable(file) || relative.endsWith(".so") ? 0755 : 0644;
                tree.copy(target + "/" + relative, mode, file);
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void addProcAndSys(RootfsTree tree) {
        tree.symlink("/proc/self", "1");
        if (!omitted.contains(ProcPatch.SELF_EXE)) {
            tree.symlink("/proc/1/exe", runtime.executable());
        }
        StackRange stack = profile.stack();
        tree.text("/proc/1/maps", omitted.contains(ProcPatch.STACK_MAPPING) ? stack.mapsFileWithoutStack() : stack.mapsFile());
        // pid (comm) state ppid pgrp session tty_nr tpgid flags …: enough for readers of start time and state.
        tree.text("/proc/1/stat", "1 (dotnet) R 0 1 1 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 1 0 0 "
                + "18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n");
        tree.text("/proc/1/cmdline", runtime.executable() + "\0");
        // Unikraft has one CPU; CoreCLR sizes its thread pools from this file.
        tree.text("/sys/devices/system/cpu/online", "0\n");
    }

    private void addDevAndEtc(RootfsTree tree) {
        tree.charDevice("/dev/null", 1, 3);
        if (!omitted.contains(ProcPatch.DEV_ZERO)) {
            tree.charDevice("/dev/zero", 1, 5);
        }
        tree.charDevice("/dev/urandom", 1, 9);
        // Linux opens /dev/console for init's stdin/stdout; without it the app's output is lost.
        tree.charDevice("/dev/console", 5, 1);
        tree.directory("/tmp", 01777);
        tree.text("/etc/hosts", "127.0.0.1 localhost\n::1 localhost\n");
        // QEMU user networking's DNS forwarder.
        tree.text("/etc/resolv.conf", "nameserver 10.0.2.3\n");
    }
}
