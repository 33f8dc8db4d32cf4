package dev.unifarm.imager;

import dev.unifarm.imager.model.DotnetRuntime;
import dev.unifarm.imager.runtime.RuntimeStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real parts tests run on: the CoreCLR runtime store and Linux kernel that {@code scripts/provision}
 * installs, and the C# samples that {@code samples/build} compiles in the {@code generate-test-resources}
 * phase. A missing part fails the test with what to run; nothing is mocked and nothing is skipped.
 *
 * <p>Shipped in this module's test-jar so other modules' tests (scheduler, api) use the same parts.
 */
public final class RealParts {

    /** The framework and version every sample targets and the provisioned store holds. */
    public static final String FRAMEWORK = "Microsoft.NETCore.App";
    public static final String RUNTIME_VERSION = "2.0.0";

    private RealParts() {
    }

    /** {@code unifarm.parts.dir} (surefire sets it), else {@code ~/.local/share/unifarm}. */
    public static Path partsDir() {
        String configured = System.getProperty("unifarm.parts.dir");
        Path dir = configured != null && !configured.isBlank()
                ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".local/share/unifarm");
        return existing(dir, "the parts directory");
    }

    public static RuntimeStore runtimeStore() {
        Path runtimes = partsDir().resolve("runtimes");
        existing(runtimes.resolve(FRAMEWORK).resolve(RUNTIME_VERSION).resolve("dotnet"),
                "the " + FRAMEWORK + " " + RUNTIME_VERSION + " runtime host");
        return new RuntimeStore(runtimes);
    }

    /** The provisioned CoreCLR 2.0.0 runtime, resolved as an image build would. */
    public static DotnetRuntime runtime() {
        return runtimeStore().resolve(FRAMEWORK, RUNTIME_VERSION);
    }

    public static Path linuxKernel() {
        return existing(partsDir().resolve("kernels/linux/current/vmlinuz"), "the Linux kernel");
    }

    /** The zipped publish output of sample {@code name}, e.g. {@code hello.zip}. */
    public static Path sample(String name) {
        return existing(samplesDir().resolve(name + ".zip"), "sample " + name);
    }

    /** The unpacked publish dir of sample {@code name}: {@code name.dll}, runtimeconfig and deps.json. */
    public static Path sampleDir(String name) {
        return existing(samplesDir().resolve(name), "sample dir " + name);
    }

    /**
     * A recording of a real Unikraft app-elfloader, e.g. {@code unikraft/dotnet-9p-ok.log}, from
     * {@code unifarm.fixtures.dir} (surefire sets it to the repository's {@code testdata/}).
     */
    public static Path fixture(String name) {
        String configured = System.getProperty("unifarm.fixtures.dir");
        if (configured == null || configured.isBlank()) {
            throw new IllegalStateException("system property unifarm.fixtures.dir is not set: run the tests with Maven"
                    + " (surefire sets it to the repository's testdata/)");
        }
        Path file = Path.of(configured).resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("fixture " + name + " is missing at " + file
                    + ": the recordings live in the repository's testdata/ (or set -Dfarm.fixtures.dir)");
        }
        return file;
    }

    private static Path samplesDir() {
        String configured = System.getProperty("unifarm.samples.dir");
        if (configured == null || configured.isBlank()) {
            throw new IllegalStateException("system property unifarm.samples.dir is not set: run the tests with Maven"
                    + " (surefire sets it, and samples/build compiles the samples in generate-test-resources);"
                    + " if mcs is missing, run scripts/provision");
        }
        return existing(Path.of(configured), "the samples directory");
    }

    private static Path existing(Path path, String what) {
        if (!Files.exists(path)) {
            throw new IllegalStateException(what + " is missing at " + path
                    + ": run scripts/provision (it installs the kernel, the runtimes and mcs for samples/build)");
        }
        return path;
    }
}
