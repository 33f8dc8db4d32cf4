package dev.unifarm.imager;

import dev.unifarm.imager.bundle.Bundle;
import dev.unifarm.imager.bundle.RuntimeConfig;
import dev.unifarm.imager.closure.HostElf;
import dev.unifarm.imager.closure.NativeClosure;
import dev.unifarm.imager.closure.NativeLibrary;
import dev.unifarm.imager.closure.Sysroot;
import dev.unifarm.imager.initrd.BaseLayerCache;
import dev.unifarm.imager.initrd.InitrdWriter;
import dev.unifarm.imager.initrd.TreeWriter;
import dev.unifarm.imager.kernel.KernelCommandLine;
import dev.unifarm.imager.kernel.OciKernelReference;
import dev.unifarm.imager.model.CommandLineKind;
import dev.unifarm.imager.model.Digests;
import dev.unifarm.imager.model.DotnetRuntime;
import dev.unifarm.imager.model.Image;
import dev.unifarm.imager.model.ImageManifest;
import dev.unifarm.imager.model.ImagerException;
import dev.unifarm.imager.model.KernelProfile;
import dev.unifarm.imager.model.RollForward;
import dev.unifarm.imager.model.TraceOptions;
import dev.unifarm.imager.oci.OciRegistry;
import dev.unifarm.imager.rootfs.CompatLayer;
import dev.unifarm.imager.rootfs.GuestInit;
import dev.unifarm.imager.rootfs.GuestNetwork;
import dev.unifarm.imager.rootfs.PortEnv;
import dev.unifarm.imager.rootfs.PowerButton;
import dev.unifarm.imager.rootfs.ProcPatch;
import dev.unifarm.imager.rootfs.RootfsLayers;
import dev.unifarm.imager.rootfs.RootfsLayout;
import dev.unifarm.imager.rootfs.RootfsTree;
import dev.unifarm.imager.rootfs.RuntimeSource;
import dev.unifarm.imager.rootfs.StraceWrapper;
import dev.unifarm.imager.runtime.RuntimeNativeFiles;
import dev.unifarm.imager.runtime.RuntimeStore;
import dev.unifarm.imager.store.ImageStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Builds a bootable image from a bundle: resolve the runtime, compute the native closure, lay out
 * the root filesystem, write it as the profile delivers it (initrd or 9pfs tree), store the
 * manifest. One terminal call: {@link #build}.
 *
 * <pre>{@code
 * Image image = ImageBuilder.forBundle(bundle)
 *         .runtimes(store).profile(KernelProfile.linux(kernel))
 *         .args(List.of("a")).log(System.out::println)
 *         .build(imageStore);
 * }</pre>
 */
public final class ImageBuilder {

    private final Bundle bundle;
    private RuntimeStore runtimes;
    private Sysroot sysroot = Sysroot.HOST;
    private KernelProfile profile;
    private List<String> args = List.of();
    private Map<String, String> env = Map.of();
    private final Set<ProcPatch> omitted = EnumSet.noneOf(ProcPatch.class);
    private Consumer<String> log = line -> { };
    private BaseLayerCache cache;
    private RollForward rollForward;
    private boolean network;
    private Integer port;
    private Path busybox = GuestInit.HOST_BUSYBOX;
    private TraceOptions trace;
    private Boolean compat;

    private ImageBuilder(Bundle bundle) {
        this.bundle = Objects.requireNonNull(bundle);
    }

    public static ImageBuilder forBundle(Bundle bundle) {
        return new ImageBuilder(bundle);
    }

    public ImageBuilder runtimes(RuntimeStore runtimes) {
        this.runtimes = runtimes;
        return this;
    }

    public ImageBuilder sysroot(Sysroot sysroot) {
        this.sysroot = sysroot;
        return this;
    }

    public ImageBuilder profile(KernelProfile profile) {
        this.profile = profile;
        return this;
    }

    public ImageBuilder args(List<String> args) {
        this.args = List.copyOf(args);
        return this;
    }

    public ImageBuilder env(Map<String, String> env) {
        this.env = new LinkedHashMap<>(env);
        return this;
    }

    /** The app spec's roll-forward policy; it wins over the runtimeconfig's. Null: the runtimeconfig decides. */
    public ImageBuilder rollForward(RollForward rollForward) {
        this.rollForward = rollForward;
        return this;
    }

    /**
     * For an app that listens on a port: on the {@code linux} profile the image's {@code /init}
     * gets the network step ({@link GuestNetwork}: the kernel's virtio modules, eth0 up). Other
     * profiles are unchanged.
     */
    public ImageBuilder network(boolean network) {
        this.network = network;
        return this;
    }

    /**
     * The port an app listens on, or null: its env gets {@code PORT} and {@code ASPNETCORE_URLS}
     * ({@link PortEnv}) unless {@link #env} sets them.
     */
    public ImageBuilder port(Integer port) {
        this.port = port;
        return this;
    }

    /** The static busybox {@code /init} runs on (default: the host's {@code /bin/busybox}). */
    public ImageBuilder busybox(Path busybox) {
        this.busybox = busybox;
        return this;
    }

    /**
     * The traced variant for a coverage reference run ({@code linux} profile only): {@code /init}
     * runs the host under this strace binary ({@link StraceWrapper}), whose libraries join the
     * native closure. Null: an ordinary image.
     */
    public ImageBuilder trace(Path strace) {
        return trace(strace == null ? null : TraceOptions.of(strace));
    }

    /** The traced variant with its options (e.g. syscalls strace fails with ENOSYS). Null: an ordinary image. */
    public ImageBuilder trace(TraceOptions trace) {
        this.trace = trace;
        return this;
    }

    /**
     * The compatibility layer ({@link CompatLayer}): null (default) = what the profile needs, i.e. every
     * Unikraft image has it and a {@code linux} image does not; false = left out (the app spec's
     * {@code compat: false}); true = in the image whatever the profile (tests run it under {@code linux}).
     */
    public ImageBuilder compat(Boolean compat) {
        this.compat = compat;
        return this;
    }

    /** Leaves out a {@code /proc} stand-in: for negative controls and diagnosis, never for apps. */
    public ImageBuilder omit(ProcPatch patch) {
        omitted.add(patch);
        return this;
    }

    /** Reuses the encoded runtime layer across builds; without a cache every build encodes everything. */
    public ImageBuilder cache(BaseLayerCache cache) {
        this.cache = cache;
        return this;
    }

    /** Receives one line per build step, for the revision's build log. */
    public ImageBuilder log(Consumer<String> log) {
        this.log = log;
        return this;
    }

    public Image build(ImageStore store) {
        Objects.requireNonNull(runtimes, "runtimes");
        Objects.requireNonNull(profile, "profile");
        Map<String, String> imageEnv = new TreeMap<>(DotnetRuntime.RUNTIME_ENV);
        imageEnv.putAll(env);
        checkEnvFits(imageEnv);
        if (port != null) {
            PortEnv.addTo(imageEnv, port, profile, log);
        }
        String entrypoint = RootfsLayout.APP_DIR + "/" + bundle.entrypoint();
        List<String> argv = new ArrayList<>(List.of(entrypoint));
        argv.addAll(args);
        GuestInit guestInit = guestInit();
        KernelCommandLine.validate(profile.commandLine(), argv, imageEnv, guestInit != null);

        RuntimeConfig config = bundle.runtimeConfig();
        String kernelDigest = kernelDigest(store);
        RuntimeSource runtime = runtimeSource(config);
        // From here on, the bundle as the image holds it: a framework-dependent app asks for exactly the picked runtime.
        Bundle bundle = runtime.shared().map(shared -> pinFramework(this.bundle, shared)).orElse(this.bundle);
        String loader = loaderFor(runtime);
        // With init steps the kernel starts /init, which execs the host.
        String init = guestInit != null ? GuestInit.INIT : runtime.executable();
        // Renders once now, so a line the kernel cannot take fails the build instead of the boot.
        KernelCommandLine.render(profile.commandLine(), new KernelCommandLine.Launch(profile.delivery(), profile.maxEnv(), loader, init,
                argv, imageEnv, guestInit != null));

        long closureStarted = System.nanoTime();
        List<Path> required = new ArrayList<>(RuntimeNativeFiles.required(runtime));
        if (trace != null) {
            required.add(trace.strace());
        }
        List<Path> optional = RuntimeNativeFiles.optional(runtime, bundle);
        Supplier<NativeClosure.Result> compute = () -> new NativeClosure(sysroot).compute(required, optional);
        NativeClosure.Result closure = cache != null ? cache.closure(required, optional, compute) : compute.get();
        closure.notes().forEach(note -> log.accept("note: " + note));
        log.accept("native closure: " + closure.libraries().size() + " libraries + " + closure.interpreter().soname() + " ("
                + (System.nanoTime() - closureStarted) / 1_000_000 + " ms)");

        RootfsLayers layers = new RootfsLayout(bundle, runtime, closure, profile, omitted, guestInit).lay();
        CompatLayer compatLayer = compatLayer();
        if (compatLayer != null) {
            // base layer: the same for every app on this runtime and profile, so cached with it
            compatLayer.addTo(layers.base());
        }
        // Without the layer nothing reports the app's end on a profile that relies on it.
        KernelProfile boot = compatLayer == null && profile.exit() == KernelProfile.ExitDetection.UNIFARM_COMPAT
                ? profile.withExit(KernelProfile.ExitDetection.NONE) : profile;
        long started = System.nanoTime();
        InitrdWriter.Written initrd;
        if (profile.delivery() == KernelProfile.Delivery.NINE_P) {
            initrd = writeTree(store, layers);
        } else {
            initrd = writeInitrd(store, layers);
            log.accept("initrd: " + initrd.digest() + " (" + initrd.size() + " bytes, " + layers.entryCount() + " entries; "
                    + (initrd.baseCached() ? "runtime layer from cache" : "runtime layer encoded") + ", "
                    + (System.nanoTime() - started) / 1_000_000 + " ms)");
        }

        Map<String, Long> sizes = new TreeMap<>();
        sizes.put("app", sum(bundle.files().stream().map(bundle.root()::resolve).toList()));
        sizes.put("runtime", runtime.shared().map(shared -> directorySize(shared.root())).orElse(0L));
        sizes.put("libraries", sum(closure.libraries().stream().map(NativeLibrary::source).toList()));
        sizes.put("initrd", initrd.size());
        ImageManifest manifest = new ImageManifest(ImageManifest.SCHEMA_VERSION, profile.name(),
                profile.kernel().location(), kernelDigest, initrd.digest(), init, entrypoint, args,
                new TreeMap<>(imageEnv), runtime.label(), new TreeMap<>(sizes), ImageManifest.Boot.of(boot, loader, guestInit != null));
        Image image = store.putImage(manifest);
        log.accept("image: " + image.digest());
        return image;
    }

    /**
     * The {@code linux} profile's {@code /init} with its steps (power button when the kernel dir has
     * the modules, network for an app with a port, env values the command line cannot carry), or
     * null: other profiles, and a linux image without a static busybox, start the host directly.
     */
    private GuestInit guestInit() {
        StraceWrapper wrapper = trace == null ? null : new StraceWrapper(trace);
        if (wrapper != null && (profile.commandLine() != CommandLineKind.LINUX
                || !(profile.kernel() instanceof KernelProfile.KernelLocation.File) || !GuestInit.isStatic(busybox))) {
            throw new ImagerException("profile-mismatch", "a traced image (coverage reference run) needs the linux kernel profile"
                    + " with a kernel file and a static busybox; the " + profile.name() + " profile cannot run strace");
        }
        if (profile.commandLine() != CommandLineKind.LINUX) {
            if (network) {
                log.accept("network: the " + profile.name() + " kernel profile needs no init step");
            }
            // Unikraft's app-elfloader has no ACPI: QMP system_powerdown reaches nothing, stops end by quit.
            log.accept("power: the " + profile.name() + " kernel profile has no power button; stops end by quit");
            return null;
        }
        if (!(profile.kernel() instanceof KernelProfile.KernelLocation.File)) {
            if (network) {
                throw new ImagerException("network-unsupported", "an app with a port on the " + profile.name()
                        + " kernel profile needs the kernel's network modules, and an OCI kernel has none: use a kernel file");
            }
            log.accept("power: the kernel is an OCI image without modules: this image ignores system_powerdown");
            return initWithEnv(null, null, null);
        }
        GuestNetwork guestNetwork = network ? GuestNetwork.forKernel(profile.kernelFile(), busybox) : null;
        PowerButton power = null;
        if (!GuestInit.isStatic(busybox)) {
            log.accept("power: no static busybox at " + busybox + " (install busybox-static: scripts/provision does):"
                    + " this image ignores system_powerdown");
        } else {
            power = PowerButton.forKernel(profile.kernelFile(), log).orElse(null);
        }
        if (power != null) {
            log.accept("power: " + GuestInit.INIT + " loads the ACPI power button (" + String.join(", ", power.modules())
                    + ") and turns a press (QMP system_powerdown) into SIGTERM for the app");
        }
        if (guestNetwork != null) {
            log.accept("network: " + GuestInit.INIT + " loads the kernel's virtio modules and brings up eth0 "
                    + GuestNetwork.GUEST_ADDRESS + " (gateway " + GuestNetwork.GATEWAY + ") before the app");
        }
        if (wrapper != null) {
            log.accept("trace: " + GuestInit.INIT + " runs the app under " + wrapper.binary() + " -f -C and prints the trace"
                    + " on the console between " + StraceWrapper.BEGIN + " and " + StraceWrapper.END);
            if (!wrapper.failWithEnosys().isEmpty()) {
                log.accept("trace: strace fails " + String.join(", ", wrapper.failWithEnosys()) + " with ENOSYS in the app"
                        + " (-e inject=…:error=ENOSYS), as a kernel without them would");
            }
        }
        return initWithEnv(power, guestNetwork, wrapper);
    }

    /** An init with these steps and the env step ({@link GuestEnv}); null without a static busybox to run it. */
    private GuestInit initWithEnv(PowerButton power, GuestNetwork network, StraceWrapper wrapper) {
        if (!GuestInit.isStatic(busybox)) {
            log.accept("env: no static busybox, so no " + GuestInit.INIT + ": env values must be ASCII words without spaces"
                    + " or double quotes");
            return null;
        }
        log.accept("env: " + GuestInit.INIT + " exports the env values the kernel command line cannot carry as words"
                + " (spaces, quotes, non-ASCII), which reach it base64-encoded");
        return new GuestInit(busybox, power, network, wrapper);
    }

    /** The layer this image gets, or null; says so in the build log. */
    private CompatLayer compatLayer() {
        boolean wanted = compat != null ? compat : profile.commandLine() == CommandLineKind.UNIKRAFT;
        if (!wanted) {
            if (compat != null && profile.commandLine() == CommandLineKind.UNIKRAFT) {
                log.accept("compat: left out (spec.compat false): CoreCLR meets the " + profile.name()
                        + " kernel's own answers, and the farm sees no exit code (the VM idles until stopped)");
            }
            return null;
        }
        CompatLayer layer = CompatLayer.forProfile(profile);
        log.accept("compat: " + CompatLayer.LIBRARY + " preloaded (/etc/ld.so.preload): mkfifo, pathconf, mmap, poll,"
                + " pthread_getattr_np answered as Linux would where the kernel refuses; the exit code on the console"
                + (layer.powerOff() ? ", then the VM powered off (isa-debug-exit)" : ""));
        return layer;
    }

    private RuntimeSource runtimeSource(RuntimeConfig config) {
        if (!config.frameworkDependent()) {
            log.accept("runtime: self-contained (carried by the bundle)");
            return RuntimeSource.selfContained(bundle);
        }
        return RuntimeSource.shared(resolveRuntime(config));
    }

    /** Resolves the framework under the spec's policy, else the runtimeconfig's, else Minor; logs the choice. */
    private DotnetRuntime resolveRuntime(RuntimeConfig config) {
        RuntimeConfig.RollForwardSettings settings = config.rollForwardSettings();
        RollForward policy = rollForward != null ? rollForward : settings.policy().orElse(RollForward.DEFAULT);
        String source = rollForward != null ? "spec.rollForward" : settings.policy().isPresent() ? config.fileName() : "default";
        String how = "roll-forward " + policy + " from " + source + (settings.applyPatches() ? "" : ", applyPatches false");
        try {
            DotnetRuntime runtime = runtimes.resolve(config.frameworkName(), config.frameworkVersion(), policy,
                    settings.applyPatches());
            log.accept("runtime: " + runtime.framework() + " " + runtime.version() + " (asked for "
                    + config.frameworkVersion() + ", " + how + ")");
            return runtime;
        } catch (ImagerException e) {
            log.accept("runtime: no match for " + config.frameworkName() + " " + config.frameworkVersion() + " (" + how + ")");
            throw e;
        }
    }

    /** The image holds one runtime version; its runtimeconfig asks for exactly that one. */
    private static Bundle pinFramework(Bundle bundle, DotnetRuntime runtime) {
        RuntimeConfig pinned = bundle.runtimeConfig().withFrameworkVersion(runtime.version().toString());
        return new Bundle(bundle.root(), bundle.entrypoint(), pinned, bundle.files());
    }

    private String kernelDigest(ImageStore store) {
        if (profile.kernel() instanceof KernelProfile.KernelLocation.Oci oci) {
            OciKernelReference reference = OciKernelReference.parse(oci.reference());
            String digest = new OciRegistry(reference.registryUrl()).pullKernel(store, reference.repositoryReference());
            log.accept("kernel: " + digest + " pulled from " + oci.reference());
            return digest;
        }
        Path kernel = profile.kernelFile();
        if (!Files.isRegularFile(kernel)) {
            throw new ImagerException("kernel-missing", "the " + profile.name() + " kernel profile's kernel " + kernel
                    + " does not exist: run scripts/provision or set the kernel path");
        }
        return cache != null ? cache.fileDigest(kernel) : Digests.of(kernel);
    }

    /**
     * The ELF interpreter to start the host through, or null. A profile whose kernel loads only PIE
     * gets the host's PT_INTERP for an ET_EXEC host; that host is then mapped at its fixed address,
     * where a large initrd lies (dotnet-ldso-initrd-overlap-crash), so such images need a 9pfs root.
     */
    private String loaderFor(RuntimeSource runtime) {
        if (!profile.nonPieViaInterpreter()) {
            return null;
        }
        HostElf elf = HostElf.read(runtime.host());
        if (elf.positionIndependent() || elf.interpreter() == null) {
            return null;
        }
        if (profile.delivery() == KernelProfile.Delivery.INITRD) {
            throw new ImagerException("profile-mismatch", "the .NET host " + runtime.executable() + " of runtime " + runtime.label()
                    + " is not position-independent (ET_EXEC), and on the " + profile.name()
                    + " kernel profile it would be mapped at its fixed address inside the initrd's memory and crash the kernel:"
                    + " use a kernel profile with the 9pfs root filesystem delivery (or a runtime with a PIE host)");
        }
        log.accept("host: " + runtime.executable() + " is not position-independent (ET_EXEC): started through " + elf.interpreter());
        return elf.interpreter();
    }

    private void checkEnvFits(Map<String, String> imageEnv) {
        if (imageEnv.size() > profile.maxEnv()) {
            throw new ImagerException("invalid-spec", "the image needs " + imageEnv.size() + " env entries ("
                    + DotnetRuntime.RUNTIME_ENV.size() + " are the runtime's) but the " + profile.name() + " kernel profile carries at most "
                    + profile.maxEnv() + ": remove some from spec.env");
        }
    }

    private InitrdWriter.Written writeInitrd(ImageStore store, RootfsLayers layers) {
        Path temp = store.newTempFile();
        try {
            InitrdWriter.Written written = InitrdWriter.write(layers, temp, cache);
            store.putBlob(temp, written.digest());
            return written;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteQuietly(temp);
        }
    }

    /**
     * Writes the tree as a directory under the cpio digest it would have as an initrd, so a 9pfs
     * image is named by the same content as its initrd twin; an existing tree is reused.
     */
    private InitrdWriter.Written writeTree(ImageStore store, RootfsLayers layers) {
        RootfsTree tree = layers.merged();
        InitrdWriter.Written digest;
        try {
            digest = InitrdWriter.measure(layers);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path target = store.treePath(digest.digest());
        if (Files.isDirectory(target)) {
            log.accept("9pfs tree: " + digest.digest() + " (already in the store)");
            return digest;
        }
        Path temp = store.newTempDir();
        try {
            TreeWriter.Written written = TreeWriter.write(tree, temp);
            store.putTree(temp, digest.digest());
            log.accept("9pfs tree: " + digest.digest() + " (" + tree.entries().size() + " entries)");
            if (!written.skippedDevices().isEmpty()) {
                log.accept("note: the 9pfs tree has no device nodes (" + String.join(", ", written.skippedDevices())
                        + "): the farm cannot create them without root; the kernel's devfs provides /dev");
            }
            return digest;
        } finally {
            try {
                ImageStore.deleteTree(temp);
            } catch (IOException ignored) {
                // a leftover temp tree is harmless; the store's tmp dir is not content
            }
        }
    }

    private static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // a leftover temp file is harmless; the store's tmp dir is not content
        }
    }

    private static long sum(List<Path> files) {
        return files.stream().mapToLong(ImageBuilder::size).sum();
    }

    private static long directorySize(Path dir) {
        try (var walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).mapToLong(ImageBuilder::size).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
