package dev.unifarm.imager.build;

import dev.unifarm.imager.bundle.Bundle;
import dev.unifarm.imager.closure.NativeClosure;
import dev.unifarm.imager.closure.Sysroot;
import dev.unifarm.imager.initrd.BaseLayerCache;
import dev.unifarm.imager.initrd.InitrdWriter;
import dev.unifarm.imager.kernel.KernelCommandLine;
import dev.unifarm.imager.model.CommandLineKind;
import dev.unifarm.imager.model.DotnetRuntime;
import dev.unifarm.imager.model.Image;
import dev.unifarm.imager.model.ImageManifest;
import dev.unifarm.imager.model.ImagerException;
import dev.unifarm.imager.model.KernelProfile;
import dev.unifarm.imager.model.RollForward;
import dev.unifarm.imager.model.TraceOptions;
import dev.unifarm.imager.rootfs.CompatLayer;
import dev.unifarm.imager.rootfs.GuestInit;
import dev.unifarm.imager.rootfs.GuestNetwork;
import dev.unifarm.imager.rootfs.PortEnv;
import dev.unifarm.imager.rootfs.ProcPatch;
import dev.unifarm.imager.rootfs.RootfsLayers;
import dev.unifarm.imager.rootfs.RootfsLayout;
import dev.unifarm.imager.rootfs.RuntimeSource;
import dev.unifarm.imager.rootfs.StraceWrapper;
import dev.unifarm.imager.runtime.RuntimeNativeFiles;
import dev.unifarm.imager.runtime.RuntimeStore;
import dev.unifarm.imager.store.ImageStore;
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
        GuestInit guestInit = new GuestInitChoice(profile, busybox, network, trace, log).choose();
        KernelCommandLine.validate(profile.commandLine(), argv, imageEnv, guestInit != null);

        String kernelDigest = KernelDigest.of(profile, store, cache, log);
        RuntimeChoice runtimeChoice = new RuntimeChoice(runtimes, rollForward, profile, log);
        RuntimeSource runtime = runtimeChoice.source(this.bundle);
        // From here on, the bundle as the image holds it: a framework-dependent app asks for exactly the picked runtime.
        Bundle bundle = runtime.shared().map(shared -> RuntimeChoice.pinFramework(this.bundle, shared)).orElse(this.bundle);
        String loader = runtimeChoice.loaderFor(runtime);
        // With init steps the kernel starts /init, which execs the host.
        String init = guestInit != null ? GuestInit.INIT : runtime.executable();
        // Renders once now, so a line the kernel cannot take fails the build instead of the boot.
        KernelCommandLine.render(profile.commandLine(), new KernelCommandLine.Launch(profile.delivery(), profile.maxEnv(), loader,
                init, argv, imageEnv, guestInit != null));

        NativeClosure.Result closure = closure(runtime, bundle);
        RootfsLayers layers = new RootfsLayout(bundle, runtime, closure, profile, omitted, guestInit).lay();
        CompatLayer compatLayer = compatLayer();
        if (compatLayer != null) {
            // base layer: the same for every app on this runtime and profile, so cached with it
            compatLayer.addTo(layers.base());
        }
        // Without the layer nothing reports the app's end on a profile that relies on it.
        KernelProfile boot = compatLayer == null && profile.exit() == KernelProfile.ExitDetection.UNIFARM_COMPAT
                ? profile.withExit(KernelProfile.ExitDetection.NONE) : profile;
        InitrdWriter.Written initrd = new RootfsWriting(store, cache, log).write(layers, profile.delivery());

        Map<String, Long> sizes = ImageSizes.of(bundle, runtime, closure, initrd.size());
        ImageManifest manifest = new ImageManifest(ImageManifest.SCHEMA_VERSION, profile.name(),
                profile.kernel().location(), kernelDigest, initrd.digest(), init, entrypoint, args,
                new TreeMap<>(imageEnv), runtime.label(), new TreeMap<>(sizes), ImageManifest.Boot.of(boot, loader, guestInit != null,
                guestInit != null && guestInit.resumeHelper()));
        Image image = store.putImage(manifest);
        log.accept("image: " + image.digest());
        return image;
    }

    /** The shared libraries the runtime's native parts (and strace, for a traced image) need, from the cache when it has them. */
    private NativeClosure.Result closure(RuntimeSource runtime, Bundle bundle) {
        long started = System.nanoTime();
        List<Path> required = new ArrayList<>(RuntimeNativeFiles.required(runtime));
        if (trace != null) {
            required.add(trace.strace());
        }
        List<Path> optional = RuntimeNativeFiles.optional(runtime, bundle);
        Supplier<NativeClosure.Result> compute = () -> new NativeClosure(sysroot).compute(required, optional);
        NativeClosure.Result closure = cache != null ? cache.closure(required, optional, compute) : compute.get();
        closure.notes().forEach(note -> log.accept("note: " + note));
        log.accept("native closure: " + closure.libraries().size() + " libraries + " + closure.interpreter().soname() + " ("
                + (System.nanoTime() - started) / 1_000_000 + " ms)");
        return closure;
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

    private void checkEnvFits(Map<String, String> imageEnv) {
        if (imageEnv.size() > profile.maxEnv()) {
            throw new ImagerException("invalid-spec", "the image needs " + imageEnv.size() + " env entries ("
                    + DotnetRuntime.RUNTIME_ENV.size() + " are the runtime's) but the " + profile.name() + " kernel profile carries at most "
                    + profile.maxEnv() + ": remove some from spec.env");
        }
    }
}
