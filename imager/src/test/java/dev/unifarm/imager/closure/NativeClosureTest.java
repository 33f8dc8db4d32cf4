package dev.unifarm.imager.closure;

import static dev.unifarm.imager.ImagerFailures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.unifarm.imager.RealParts;
import dev.unifarm.imager.model.DotnetRuntime;
import dev.unifarm.imager.model.ImagerException;
import dev.unifarm.imager.rootfs.RuntimeSource;
import dev.unifarm.imager.runtime.RuntimeNativeFiles;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeClosureTest {

    private static final String INTERPRETER = "/lib64/ld-linux-x86-64.so.2";
    /** ELF header offset of e_machine (after e_ident[16] and e_type). */
    private static final int E_MACHINE_OFFSET = 18;
    private static final short EM_AARCH64 = 183;

    @TempDir
    Path temp;

    private final DotnetRuntime runtime = RealParts.runtime();

    /** Removes the sysroot's links ourselves: JUnit warns about each link to outside its temp dir. */
    @AfterEach
    void deleteSysrootLinks() throws IOException {
        Path sysroot = temp.resolve("sysroot");
        if (Files.isDirectory(sysroot)) {
            try (Stream<Path> links = Files.list(sysroot)) {
                for (Path link : links.toList()) {
                    Files.delete(link);
                }
            }
        }
    }

    @Test
    void testCompute_requiredFilesOfRealRuntime() {
        NativeClosure.Result closure = new NativeClosure(Sysroot.HOST).compute(RuntimeNativeFiles.required(RuntimeSource.shared(runtime)), List.of());

        assertThat(sonames(closure)).contains("libunwind.so.8", "liblzma.so.5", "libuuid.so.1", "libstdc++.so.6", "libc.so.6")
                .doesNotContain("ld-linux-x86-64.so.2", "libcoreclr.so", "libhostfxr.so")
                .isSorted()
                .doesNotHaveDuplicates();
        assertThat(closure.interpreter().soname()).isEqualTo(INTERPRETER);
        assertThat(closure.interpreter().source()).isRegularFile();
        assertThat(closure.libraries()).allSatisfy(library -> assertThat(library.source()).isRegularFile());
        assertThat(closure.notes()).isEmpty();
    }

    @Test
    void testCompute_transitiveDependencyIsIncluded() throws IOException {
        // liblzma is no runtime file's DT_NEEDED: only libunwind's.
        for (Path file : RuntimeNativeFiles.required(RuntimeSource.shared(runtime))) {
            assertThat(NativeClosure.neededBy(file)).as("DT_NEEDED of %s", file.getFileName()).doesNotContain("liblzma.so.5");
        }
        Path libunwind = Sysroot.HOST.find("libunwind.so.8").orElseThrow();
        assertThat(NativeClosure.neededBy(libunwind)).contains("liblzma.so.5");

        NativeClosure.Result closure = new NativeClosure(Sysroot.HOST).compute(RuntimeNativeFiles.required(RuntimeSource.shared(runtime)), List.of());

        assertThat(sonames(closure)).contains("liblzma.so.5");
    }

    @Test
    void testCompute_emptySysrootFailsNamingMissingLibraryAndWhoNeedsIt() {
        NativeClosure closure = new NativeClosure(new Sysroot(List.of(temp)));
        List<Path> required = RuntimeNativeFiles.required(RuntimeSource.shared(runtime));

        ImagerException e = failure("native-closure", () -> closure.compute(required, List.of()));

        // The host comes first; libdl.so.2 is its first DT_NEEDED.
        assertThat(e.getMessage()).contains("libdl.so.2, needed by dotnet").contains(temp.toString());
    }

    @Test
    void testCompute_optionalFileWithMissingDependencyIsNotedAndLeftOut() throws IOException {
        List<Path> required = RuntimeNativeFiles.required(RuntimeSource.shared(runtime));
        NativeClosure.Result full = new NativeClosure(Sysroot.HOST).compute(required, List.of());
        Path sysroot = sysrootWith(full);
        Path http = runtime.frameworkDir().resolve("System.Net.Http.Native.so");
        assertThat(NativeClosure.neededBy(http)).contains("libcurl.so.4");

        NativeClosure.Result closure = new NativeClosure(new Sysroot(List.of(sysroot))).compute(required, List.of(http));

        assertThat(closure.notes()).singleElement().asString()
                .contains("libcurl.so.4").contains("System.Net.Http.Native.so");
        assertThat(sonames(closure)).doesNotContain("libcurl.so.4").isEqualTo(sonames(full));
    }

    @Test
    void testCompute_optionalFileWithResolvableDependenciesAddsThem() {
        List<Path> required = RuntimeNativeFiles.required(RuntimeSource.shared(runtime));
        Path compression = runtime.frameworkDir().resolve("System.IO.Compression.Native.so");

        NativeClosure.Result closure = new NativeClosure(Sysroot.HOST).compute(required, List.of(compression));

        assertThat(sonames(closure)).contains("libz.so.1");
        assertThat(closure.notes()).isEmpty();
    }

    @Test
    void testCompute_nonElfFile() throws IOException {
        Path notElf = Files.writeString(temp.resolve("libfake.so"), "#!/bin/sh\necho this is a script, not a shared library\n");

        ImagerException e = failure("native-closure",
                () -> new NativeClosure(Sysroot.HOST).compute(List.of(notElf), List.of()));

        assertThat(e.getMessage()).contains("libfake.so").contains("ELF");
    }

    @Test
    void testNeededBy_otherArchitecture() throws IOException {
        Path arm = Files.copy(Sysroot.HOST.find("libuuid.so.1").orElseThrow(), temp.resolve("libuuid.so.1"));
        try (RandomAccessFile file = new RandomAccessFile(arm.toFile(), "rw")) {
            file.seek(E_MACHINE_OFFSET);
            file.writeShort(Short.reverseBytes(EM_AARCH64)); // ELF is little-endian here
        }

        ImagerException e = failure("wrong-architecture", () -> NativeClosure.neededBy(arm));

        assertThat(e.getMessage()).contains("libuuid.so.1").contains("linux-x64");
    }

    /** A sysroot holding links to exactly the libraries (and loader) of {@code closure}. */
    private Path sysrootWith(NativeClosure.Result closure) throws IOException {
        Path dir = Files.createDirectories(temp.resolve("sysroot"));
        for (NativeLibrary library : closure.libraries()) {
            Files.createSymbolicLink(dir.resolve(library.soname()), library.source());
        }
        Path loader = closure.interpreter().source();
        Files.createSymbolicLink(dir.resolve(Path.of(INTERPRETER).getFileName()), loader);
        return dir;
    }

    private static List<String> sonames(NativeClosure.Result closure) {
        return closure.libraries().stream().map(NativeLibrary::soname).toList();
    }
}
