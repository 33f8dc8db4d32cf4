package dev.unifarm.imager;

import java.io.IOException;
import java.io.OutputStream;
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

/**
 * Builds a bootable image from a bundle: resolve the runtime, compute the native closure, lay out
 * the root filesystem, write the initrd, store the manifest. One terminal call: {@link #build}.
 *
 * <pre>{@code
 * Image image = ImageBuilder.forBundle(bundle)
 *         .runtimes(store).profile(KernelProfile.linux(kernel))
 *         .args(List.of("a")).log(System.out::println)
 *         .build(imageStore);
 * }</pre>
 */
public final class ImageBuilder {

    /** Runtime settings every image gets: no diagnostics pipe (no mknodat on Unikraft), no ICU. */
    static final Map<String, String> RUNTIME_ENV = Map.of(
            "DOTNET_EnableDiagnostics", "0",
            "COMPlus_EnableDiagnostics", "0",
            "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1");

    private final Bundle bundle;
    private RuntimeStore runtimes;
    private Sysroot sysroot = Sysroot.HOST;
    private KernelProfile profile;
    private List<String> args = List.of();
    private Map<String, String> env = Map.of();
    private final Set<ProcPatch> omitted = EnumSet.noneOf(ProcPatch.class);
    private Consumer<String> log = line -> { };
    private RollForward rollForward;

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

    /** Leaves out a {@code /proc} stand-in: for negative controls and diagnosis, never for apps. */
    public ImageBuilder omit(ProcPatch patch) {
        omitted.add(patch);
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
        Map<String, String> imageEnv = new TreeMap<>(RUNTIME_ENV);
        imageEnv.putAll(env);
        checkEnvFits(imageEnv);
        String entrypoint = RootfsLayout.APP_DIR + "/" + bundle.entrypoint();
        List<String> argv = new ArrayList<>(List.of(entrypoint));
        argv.addAll(args);
        LinuxCommandLine.validate(argv, imageEnv);

        RuntimeConfig config = bundle.runtimeConfig();
        if (!config.frameworkDependent()) {
            throw new ImagerException("invalid-bundle", config.fileName() + " names no framework, so the app is self-contained;"
                    + " this farm builds framework-dependent apps so far: publish with --self-contained false");
        }
        String kernelDigest = kernelDigest();
        DotnetRuntime runtime = resolveRuntime(config);
        Bundle bundle = pinFramework(this.bundle, runtime); // from here on, the bundle as the image holds it

        NativeClosure.Result closure = new NativeClosure(sysroot)
                .compute(RuntimeNativeFiles.required(runtime), RuntimeNativeFiles.optional(runtime, bundle));
        closure.notes().forEach(note -> log.accept("note: " + note));
        log.accept("native closure: " + closure.libraries().size() + " libraries + " + closure.interpreter().soname());

        RootfsTree tree = new RootfsLayout(bundle, runtime, closure, profile, omitted).lay();
        CpioWriter.Written initrd = writeInitrd(store, tree);
        log.accept("initrd: " + initrd.digest() + " (" + initrd.size() + " bytes, " + tree.entries().size() + " entries)");

        Map<String, Long> sizes = new TreeMap<>();
        sizes.put("app", sum(bundle.files().stream().map(bundle.root()::resolve).toList()));
        sizes.put("runtime", directorySize(runtime.root()));
        sizes.put("libraries", sum(closure.libraries().stream().map(NativeLibrary::source).toList()));
        sizes.put("initrd", initrd.size());
        ImageManifest manifest = new ImageManifest(ImageManifest.SCHEMA_VERSION, profile.name(),
                profile.kernel().toString(), kernelDigest, initrd.digest(), RootfsLayout.HOST, entrypoint, args,
                new TreeMap<>(imageEnv), runtime.version().toString(), new TreeMap<>(sizes));
        Image image = store.putImage(manifest);
        log.accept("image: " + image.digest());
        return image;
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

    private String kernelDigest() {
        if (!Files.isRegularFile(profile.kernel())) {
            throw new ImagerException("kernel-missing", "the " + profile.name() + " kernel profile's kernel " + profile.kernel()
                    + " does not exist: run scripts/provision or set the kernel path");
        }
        return Digests.of(profile.kernel());
    }

    private void checkEnvFits(Map<String, String> imageEnv) {
        if (imageEnv.size() > profile.maxEnv()) {
            throw new ImagerException("invalid-spec", "the image needs " + imageEnv.size() + " env entries ("
                    + RUNTIME_ENV.size() + " are the runtime's) but the " + profile.name() + " kernel profile carries at most "
                    + profile.maxEnv() + ": remove some from spec.env");
        }
    }

    private static CpioWriter.Written writeInitrd(ImageStore store, RootfsTree tree) {
        Path temp = store.newTempFile();
        try {
            CpioWriter.Written written;
            try (OutputStream out = Files.newOutputStream(temp)) {
                written = CpioWriter.write(tree, out);
            }
            store.putBlob(temp, written.digest());
            return written;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteQuietly(temp);
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
