package dev.unifarm.imager.runtime;

import static dev.unifarm.imager.ImagerFailures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.unifarm.imager.build.ImageBuilder;
import dev.unifarm.imager.RealParts;
import dev.unifarm.imager.RuntimeArchives.Entry;
import dev.unifarm.imager.RuntimeArchives;
import dev.unifarm.imager.bundle.Bundle;
import dev.unifarm.imager.bundle.BundleReader;
import dev.unifarm.imager.bundle.RuntimeConfig;
import dev.unifarm.imager.model.DotnetRuntime;
import dev.unifarm.imager.model.ErrorKinds;
import dev.unifarm.imager.model.Image;
import dev.unifarm.imager.model.ImagerException;
import dev.unifarm.imager.model.KernelProfile;
import dev.unifarm.imager.model.RollForward;
import dev.unifarm.imager.model.RuntimeVersion;
import dev.unifarm.imager.store.ImageStore;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Registering runtime archives: the real CoreCLR re-labelled installs and builds; broken or hostile archives leave nothing. */
class RuntimeArchiveInstallerTest {

    private static final String FRAMEWORK = RealParts.FRAMEWORK;
    private static final String CORECLR = "shared/" + FRAMEWORK + "/2.0.9/libcoreclr.so";

    @TempDir
    Path temp;

    @Test
    void testInstall_relabelledRealRuntimeIsInstalledAndResolvedUnderMinor() throws IOException {
        Path archive = RuntimeArchives.write(temp.resolve("dotnet-runtime-2.0.7-linux-x64.tar.gz"),
                RuntimeArchives.relabelled("2.0.7", "./", 0));
        RuntimeStore store = new RuntimeStore(temp.resolve("runtimes"));

        DotnetRuntime installed = new RuntimeArchiveInstaller(store).install(archive);

        Path root = temp.resolve("runtimes").resolve(FRAMEWORK).resolve("2.0.7");
        assertThat(installed).isEqualTo(new DotnetRuntime(FRAMEWORK, RuntimeVersion.parse("2.0.7"), root));
        assertThat(store.installed(FRAMEWORK)).containsExactly(RuntimeVersion.parse("2.0.7"));
        assertThat(store.resolve(FRAMEWORK, "2.0.0", RollForward.MINOR)).isEqualTo(installed);
        assertThat(root.resolve("dotnet")).isExecutable()
                .hasSameBinaryContentAs(RealParts.runtime().host());
        assertThat(installed.hostfxr()).isEqualTo(root.resolve("host/fxr/2.0.7/libhostfxr.so"));
        assertThat(installed.frameworkDir().resolve("libcoreclr.so"))
                .hasSameBinaryContentAs(RealParts.runtime().frameworkDir().resolve("libcoreclr.so"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(installed.frameworkDir().resolve("System.Runtime.dll"))))
                .isEqualTo("rw-r--r--");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root))).isEqualTo("rwxr-xr-x");
        assertThat(fileCount(root)).isEqualTo(fileCount(RealParts.runtime().root()));
        assertNoLeftovers(store, "2.0.7");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "./", "dotnet-runtime-2.0.9/"})
    void testInstall_acceptsBareDotSlashAndOneTopFolderNames(String prefix) throws IOException {
        RuntimeStore store = new RuntimeStore(temp.resolve("runtimes"));

        DotnetRuntime installed = new RuntimeArchiveInstaller(store).install(tiny(prefix, entries -> entries));

        assertThat(installed.version()).isEqualTo(RuntimeVersion.parse("2.0.9"));
        assertThat(installed.root().resolve(CORECLR)).isRegularFile();
        assertNoLeftovers(store, "2.0.9");
    }

    @Test
    void testInstall_storeDirWithDotSegmentsWorks() throws IOException {
        RuntimeStore store = new RuntimeStore(temp.resolve("./runtimes")); // as Quarkus hands over "./target/test-runtimes"

        DotnetRuntime installed = new RuntimeArchiveInstaller(store).install(tiny("./", entries -> entries));

        assertThat(installed.root().resolve(CORECLR)).isRegularFile();
        assertThat(temp.resolve("runtimes").resolve(FRAMEWORK).resolve("2.0.9")).isDirectory();
    }

    /** The relabelled runtime goes into an image: picked under Minor, logged, and the image's runtimeconfig asks for it. */
    @Test
    void testBuild_onRegisteredRuntimePicksItAndPinsTheImageRuntimeconfig() throws IOException {
        Path archive = RuntimeArchives.write(temp.resolve("runtime.tar.gz"), RuntimeArchives.relabelled("2.0.9", "./", 0));
        RuntimeStore store = new RuntimeStore(temp.resolve("runtimes"));
        new RuntimeArchiveInstaller(store).install(archive);
        Bundle hello = new BundleReader().read(RealParts.sample("hello"), temp.resolve("bundle"), Optional.empty());
        List<String> log = new ArrayList<>();

        Image image = ImageBuilder.forBundle(hello).runtimes(store).profile(KernelProfile.linux(RealParts.linuxKernel()))
                .log(log::add).build(new ImageStore(temp.resolve("store")));

        assertThat(image.manifest().runtime()).isEqualTo("2.0.9");
        assertThat(log).contains("runtime: " + FRAMEWORK + " 2.0.9 (asked for 2.0.0, roll-forward Minor from default)");
        String config = initrdText(image.initrd(), "app/hello.runtimeconfig.json");
        assertThat(config).contains("\"version\" : \"2.0.9\"");
        assertThat(initrdText(image.initrd(), "usr/share/dotnet/" + CORECLR)).isNotEmpty();
    }

    @Test
    void testBuild_specPolicyWinsOverTheRuntimeconfig() throws IOException {
        Path dir = Files.createDirectories(temp.resolve("app"));
        Files.copy(RealParts.sampleDir("hello").resolve("hello.dll"), dir.resolve("hello.dll"));
        byte[] config = """
                {"runtimeOptions": {"rollForward": "Major",
                  "framework": {"name": "Microsoft.NETCore.App", "version": "1.1.0"}}}""".getBytes(StandardCharsets.UTF_8);
        Files.write(dir.resolve("hello.runtimeconfig.json"), config);
        Bundle bundle = new Bundle(dir, "hello.dll", RuntimeConfig.parse("hello.runtimeconfig.json", config),
                List.of("hello.dll", "hello.runtimeconfig.json"));
        List<String> log = new ArrayList<>();

        ImagerException e = failure("runtime-not-found", () -> ImageBuilder.forBundle(bundle).runtimes(RealParts.runtimeStore())
                .profile(KernelProfile.linux(RealParts.linuxKernel())).rollForward(RollForward.MINOR).log(log::add)
                .build(new ImageStore(temp.resolve("store"))));

        assertThat(e.getMessage()).contains(FRAMEWORK + " 1.1.0").contains("roll-forward Minor").contains("2.0.0");
        // The init's steps are logged before the runtime is resolved; the runtime says one thing, and last.
        assertThat(log).filteredOn(line -> line.startsWith("runtime:"))
                .containsExactly("runtime: no match for " + FRAMEWORK + " 1.1.0 (roll-forward Minor from spec.rollForward)");
        assertThat(log).last().asString().startsWith("runtime:");
    }

    @Test
    void testInstall_existingVersionIsRefused() throws IOException {
        RuntimeStore store = new RuntimeStore(temp.resolve("runtimes"));
        RuntimeArchiveInstaller installer = new RuntimeArchiveInstaller(store);
        installer.install(tiny("./", entries -> entries));
        byte[] before = Files.readAllBytes(temp.resolve("runtimes").resolve(FRAMEWORK).resolve("2.0.9").resolve(CORECLR));

        ImagerException e = failure("runtime-exists", () -> installer.install(tiny("./", entries -> entries)));

        assertThat(e.getMessage()).contains(FRAMEWORK + " 2.0.9").contains("already registered");
        assertThat(temp.resolve("runtimes").resolve(FRAMEWORK).resolve("2.0.9").resolve(CORECLR)).hasBinaryContent(before);
        assertNoLeftovers(store, "2.0.9");
    }

    @Test
    void testInstall_versionInAReadOnlyDirIsRefused() throws IOException {
        Path shared = temp.resolve("shared");
        RuntimeStoreTest.storeWith(shared, "2.0.9");
        RuntimeStore store = new RuntimeStore(temp.resolve("runtimes"), List.of(shared));

        failure("runtime-exists", () -> new RuntimeArchiveInstaller(store).install(tiny("./", entries -> entries)));

        assertNoLeftovers(store);
        assertThat(store.find(FRAMEWORK, RuntimeVersion.parse("2.0.9")).orElseThrow().root()).startsWith(shared);
    }

    @Test
    void testInstall_notGzipIsRefused() throws IOException {
        Path zip = Files.write(temp.resolve("runtime.zip"), new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0});

        assertRefused(zip, "not a gzip-compressed tar", "dotnet-runtime-<version>-linux-x64.tar.gz");
    }

    @Test
    void testInstall_escapingEntryIsRefusedAndNothingIsWrittenOutside() throws IOException {
        Path archive = tiny("./", entries -> add(entries, Entry.file("./../../evil.txt", "x".getBytes(), 0644)));

        assertRefused(archive, "climbs out with \"..\"", "runtime archive");
        assertThat(temp.resolve("evil.txt")).doesNotExist();
        assertThat(temp.resolve("runtimes/evil.txt")).doesNotExist();
    }

    @Test
    void testInstall_absoluteEntryIsRefused() throws IOException {
        assertRefused(tiny("./", entries -> add(entries, Entry.file("/tmp/evil.txt", "x".getBytes(), 0644))), "the runtime archive contains the absolute path");
        assertThat(Path.of("/tmp/evil.txt")).doesNotExist();
    }

    @Test
    void testInstall_symlinkIsRefused() throws IOException {
        assertRefused(tiny("./", entries -> add(entries, Entry.symlink("./escape", "/etc"))), "./escape", "link or device");
    }

    @Test
    void testInstall_missingCoreclrIsRefused() throws IOException {
        assertRefused(tiny("./", entries -> remove(entries, name -> name.endsWith("/libcoreclr.so"))), "lacks libcoreclr.so");
    }

    @Test
    void testInstall_missingCoreLibIsRefused() throws IOException {
        assertRefused(tiny("./", entries -> remove(entries, name -> name.endsWith("/System.Private.CoreLib.dll"))),
                "lacks System.Private.CoreLib.dll");
    }

    @Test
    void testInstall_missingHostIsRefused() throws IOException {
        assertRefused(tiny("./", entries -> remove(entries, name -> name.equals("./dotnet"))), "no dotnet host");
    }

    @Test
    void testInstall_missingHostfxrIsRefused() throws IOException {
        assertRefused(tiny("./", entries -> remove(entries, name -> name.endsWith("libhostfxr.so"))), "libhostfxr.so");
    }

    @Test
    void testInstall_coreclrThatIsNotElfIsRefused() throws IOException {
        assertRefused(tiny("./", entries -> replace(entries, "libcoreclr.so", "#!/bin/sh\n".repeat(4).getBytes())),
                "libcoreclr.so is not an ELF file");
    }

    @Test
    void testInstall_coreclrForArm64IsRefused() throws IOException {
        byte[] arm = Files.readAllBytes(RealParts.runtime().frameworkDir().resolve("libcoreclr.so"));
        arm = java.util.Arrays.copyOf(arm, 4096);
        arm[18] = (byte) 183; // EM_AARCH64
        arm[19] = 0;
        byte[] content = arm;

        assertRefused(tiny("./", entries -> replace(entries, "libcoreclr.so", content)), "libcoreclr.so", "e_machine 183",
                "not x86-64");
    }

    @Test
    void testInstall_twoFrameworkVersionsAreRefused() throws IOException {
        assertRefused(tiny("./", entries -> add(entries, Entry.directory("./shared/" + FRAMEWORK + "/2.0.10/"))),
                "2 versions", "one runtime version per archive");
    }

    @Test
    void testInstall_otherSharedFrameworkIsRefused() throws IOException {
        assertRefused(tiny("./", entries -> add(entries, Entry.directory("./shared/Microsoft.AspNetCore.App/2.0.9/"))),
                "Microsoft.AspNetCore.App", "must hold exactly " + FRAMEWORK);
    }

    @Test
    void testInstall_preReleaseVersionIsRefused() throws IOException {
        Path archive = RuntimeArchives.write(temp.resolve("pre.tar.gz"), RuntimeArchives.relabelled("2.1.0-preview1", "./", 64));

        assertRefused(archive, "2.1.0-preview1", "pre-release");
    }

    @Test
    void testInstall_sizeCapIsEnforced() throws IOException {
        Path archive = tiny("./", entries -> entries);
        RuntimeStore store = new RuntimeStore(temp.resolve("runtimes"));

        ImagerException e = failure(ErrorKinds.INVALID_RUNTIME,
                () -> new RuntimeArchiveInstaller(store, 10_000, 20_000).install(archive));

        assertThat(e.getMessage()).contains("more than 10000 bytes");
        assertNoLeftovers(store);
    }

    @Test
    void testInstall_entryCapIsEnforced() throws IOException {
        Path archive = tiny("./", entries -> entries);
        RuntimeStore store = new RuntimeStore(temp.resolve("runtimes"));

        ImagerException e = failure(ErrorKinds.INVALID_RUNTIME,
                () -> new RuntimeArchiveInstaller(store, 1L << 30, 5).install(archive));

        assertThat(e.getMessage()).contains("more than 5 entries");
        assertNoLeftovers(store);
    }

    /** The runtime re-labelled 2.0.9 with every file cut to 4 KiB (ELF headers intact), edited by {@code edit}. */
    private Path tiny(String prefix, java.util.function.UnaryOperator<List<Entry>> edit) throws IOException {
        List<Entry> entries = new ArrayList<>(RuntimeArchives.relabelled("2.0.9", prefix, 4096));
        return RuntimeArchives.write(Files.createTempFile(temp, "runtime", ".tar.gz"), edit.apply(entries));
    }

    private static List<Entry> add(List<Entry> entries, Entry entry) {
        entries.add(entry);
        return entries;
    }

    private static List<Entry> remove(List<Entry> entries, Predicate<String> name) {
        assertThat(entries.removeIf(e -> name.test(e.name()))).as("removed an entry").isTrue();
        return entries;
    }

    private static List<Entry> replace(List<Entry> entries, String fileName, byte[] content) {
        entries.replaceAll(e -> e.name().endsWith("/" + fileName) ? Entry.file(e.name(), content, e.mode()) : e);
        return entries;
    }

    /** The install fails as invalid-runtime with a detail containing {@code expected}, and leaves nothing behind. */
    private void assertRefused(Path archive, String... expected) {
        RuntimeStore store = new RuntimeStore(temp.resolve("runtimes"));

        ImagerException e = failure(ErrorKinds.INVALID_RUNTIME, () -> new RuntimeArchiveInstaller(store).install(archive));

        assertThat(e.getMessage()).contains(expected);
        assertNoLeftovers(store);
    }

    /** The framework dir holds exactly {@code versions}: no temp dirs, nothing half-installed. */
    private static void assertNoLeftovers(RuntimeStore store, String... versions) {
        Path frameworkDir = store.dir().resolve(FRAMEWORK);
        if (!Files.exists(frameworkDir)) {
            assertThat(versions).isEmpty();
            return;
        }
        try (Stream<Path> children = Files.list(frameworkDir)) {
            assertThat(children.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(versions);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long fileCount(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).count();
        }
    }

    private static String initrdText(Path initrd, String name) throws IOException {
        try (InputStream file = new BufferedInputStream(Files.newInputStream(initrd));
                CpioArchiveInputStream cpio = new CpioArchiveInputStream(file)) {
            for (CpioArchiveEntry header = cpio.getNextEntry(); header != null; header = cpio.getNextEntry()) {
                if (header.getName().equals(name)) {
                    return new String(cpio.readAllBytes(), StandardCharsets.ISO_8859_1);
                }
            }
        }
        throw new AssertionError(name + " is not in the initrd");
    }
}
