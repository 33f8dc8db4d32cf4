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
        profile.commandLine().validate(argv, imageEnv);

        RuntimeConfig config = bundle.runtimeConfig();
        if (!config.frameworkDependent()) {
            throw new ImagerException("invalid-bundle", config.fileName() + " names no framework, so the app is self-contained;"
                    + " this farm builds framework-dependent apps so far: publish with --self-contained false");
        }
        String kernelDigest = kernelDigest();
        DotnetRuntime runtime = runtimes.resolve(config.frameworkName(), config.frameworkVersion());
        log.accept("runtime: " + runtime.framework() + " " + runtime.version() + " (asked for " + config.frameworkVersion() + ")");
        String loader = loaderFor(runtime);
        // Renders once now, so a line the kernel cannot take fails the build instead of the boot.
        profile.commandLine().render(new CommandLineKind.Launch(profile.delivery(), profile.maxEnv(), loader, RootfsLayout.HOST,
                argv, imageEnv));

        NativeClosure.Result closure = new NativeClosure(sysroot)
                .compute(RuntimeNativeFiles.required(runtime), RuntimeNativeFiles.optional(runtime, bundle));
        closure.notes().forEach(note -> log.accept("note: " + note));
        log.accept("native closure: " + closure.libraries().size() + " libraries + " + closure.interpreter().soname());

        RootfsTree tree = new RootfsLayout(bundle, runtime, closure, profile, omitted).lay();
        CpioWriter.Written initrd = profile.delivery() == KernelProfile.Delivery.NINE_P ? writeTree(store, tree) : writeInitrd(store, tree);
        if (profile.delivery() == KernelProfile.Delivery.INITRD) {
            log.accept("initrd: " + initrd.digest() + " (" + initrd.size() + " bytes, " + tree.entries().size() + " entries)");
        }

        Map<String, Long> sizes = new TreeMap<>();
        sizes.put("app", sum(bundle.files().stream().map(bundle.root()::resolve).toList()));
        sizes.put("runtime", directorySize(runtime.root()));
        sizes.put("libraries", sum(closure.libraries().stream().map(NativeLibrary::source).toList()));
        sizes.put("initrd", initrd.size());
        ImageManifest manifest = new ImageManifest(ImageManifest.SCHEMA_VERSION, profile.name(),
                profile.kernel().location(), kernelDigest, initrd.digest(), RootfsLayout.HOST, entrypoint, args,
                new TreeMap<>(imageEnv), runtime.version().toString(), new TreeMap<>(sizes), ImageManifest.Boot.of(profile, loader));
        Image image = store.putImage(manifest);
        log.accept("image: " + image.digest());
        return image;
    }

    private String kernelDigest() {
        Path kernel = profile.kernelFile();
        if (!Files.isRegularFile(kernel)) {
            throw new ImagerException("kernel-missing", "the " + profile.name() + " kernel profile's kernel " + kernel
                    + " does not exist: run scripts/provision or set the kernel path");
        }
        return Digests.of(kernel);
    }

    /**
     * The ELF interpreter to start the host through, or null. A profile whose kernel loads only PIE
     * gets the host's PT_INTERP for an ET_EXEC host; that host is then mapped at its fixed address,
     * where a large initrd lies (dotnet-ldso-initrd-overlap-crash), so such images need a 9pfs root.
     */
    private String loaderFor(DotnetRuntime runtime) {
        if (!profile.nonPieViaInterpreter()) {
            return null;
        }
        HostElf elf = HostElf.read(runtime.host());
        if (elf.positionIndependent() || elf.interpreter() == null) {
            return null;
        }
        if (profile.delivery() == KernelProfile.Delivery.INITRD) {
            throw new ImagerException("profile-mismatch", "the .NET host " + RootfsLayout.HOST + " of runtime " + runtime.version() + " is not position-independent (ET_EXEC), and on the " + profile.name()
                    + " kernel profile it would be mapped at its fixed address inside the initrd's memory and crash the kernel:"
                    + " use a kernel profile with the 9pfs root filesystem delivery (or a runtime with a PIE host)");
        }
        log.accept("host: " + RootfsLayout.HOST + " is not position-independent (ET_EXEC): started through " + elf.interpreter());
        return elf.interpreter();
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

    /**
     * Writes the tree as a directory under the cpio digest it would have as an initrd, so a 9pfs
     * image is named by the same content as its initrd twin; an existing tree is reused.
     */
    private CpioWriter.Written writeTree(ImageStore store, RootfsTree tree) {
        CpioWriter.Written digest;
        try {
            digest = CpioWriter.write(tree, OutputStream.nullOutputStream());
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
