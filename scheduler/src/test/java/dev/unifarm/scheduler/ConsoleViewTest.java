package dev.unifarm.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unifarm.imager.model.CommandLineKind;
import dev.unifarm.scheduler.console.ConsoleCleaner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The console views: a recorded app-elfloader console split by the shim parser, and a Linux console. */
class ConsoleViewTest {

    @Test
    void testSelect_unikraftConsoleSplitsAppTraceAndKernel() throws IOException {
        List<String> console = recording("dotnet-9p-ok.log");

        List<String> app = ConsoleView.APP.select(console, CommandLineKind.UNIKRAFT);
        List<String> trace = ConsoleView.TRACE.select(console, CommandLineKind.UNIKRAFT);
        List<String> kernel = ConsoleView.KERNEL.select(console, CommandLineKind.UNIKRAFT);

        assertThat(app).contains("Hello from .NET on Unix 5.15.148.0 pid 1")
                .noneSatisfy(line -> assertThat(line).startsWith("openat(").contains(") = "));
        assertThat(trace).contains("write(fd:27, \"Hello from .NET on Unix \"..., 41) = 41")
                .anySatisfy(line -> assertThat(line).startsWith("rseq(").endsWith("Function not implemented (-38)"))
                .noneSatisfy(line -> assertThat(line).startsWith("Hello from"));
        assertThat(kernel).anySatisfy(line -> assertThat(line).startsWith("Info: [libkvmplat]"))
                .noneSatisfy(line -> assertThat(line).startsWith("Hello from"));
        assertThat(ConsoleView.ALL.select(console, CommandLineKind.UNIKRAFT)).isSameAs(console);
    }

    @Test
    void testSelect_linuxConsoleHasNoTrace() {
        List<String> console = List.of("SeaBIOS (version 1.16.2-debian-1.16.2-1)", "[    0.912345] Run /init as init process",
                "Hello from Unifarm!", "args: []",
                "[    3.1] Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000000");

        assertThat(ConsoleView.APP.select(console, CommandLineKind.LINUX)).containsExactly("Hello from Unifarm!", "args: []");
        assertThat(ConsoleView.TRACE.select(console, CommandLineKind.LINUX)).isEmpty();
        assertThat(ConsoleView.KERNEL.select(console, CommandLineKind.LINUX)).hasSize(3).doesNotContain("Hello from Unifarm!");
    }

    /** Line by line, what the scheduler's Running waits for: the app's own text, on a Unikraft console as view=app shows it. */
    @Test
    void testAppText_oneLineAtATimeAsTheAppViewSplitsIt() {
        assertThat(ConsoleView.appText("Info: [libkvmplat] <bootinfo.c @   59> Architecture: x86_64", CommandLineKind.UNIKRAFT)).isEmpty();
        assertThat(ConsoleView.appText("ERR:  [libposix_process] <deprecated.c @  348> Ignore updating resource 7: cur = 1024, max = 1024",
                CommandLineKind.UNIKRAFT)).isEmpty();
        assertThat(ConsoleView.appText("stat(\"/app/hello.dll\", <out>stat:{st_size=3072, st_mode=0100644, ...}) = OK",
                CommandLineKind.UNIKRAFT)).isEmpty();
        assertThat(ConsoleView.appText("Failed to initialize CoreCLR, HRESULT: 0x80004005write(fd:2, \"Failed to initialize Cor\"..., 49) = 49",
                CommandLineKind.UNIKRAFT)).containsExactly("Failed to initialize CoreCLR, HRESULT: 0x80004005");
        assertThat(ConsoleView.appText("Hello from Unifarm!", CommandLineKind.UNIKRAFT)).containsExactly("Hello from Unifarm!");
        assertThat(ConsoleView.appText("[    0.912345] Run /init as init process", CommandLineKind.LINUX)).isEmpty();
        assertThat(ConsoleView.appText("   ", CommandLineKind.LINUX)).isEmpty();
        assertThat(ConsoleView.appText("Hello from Unifarm!", CommandLineKind.LINUX)).containsExactly("Hello from Unifarm!");
    }

    @Test
    void testParse_namesCaseInsensitiveAndUnknownEmpty() {
        assertThat(ConsoleView.parse("Trace")).contains(ConsoleView.TRACE);
        assertThat(ConsoleView.parse("stdout")).isEmpty();
        assertThat(ConsoleView.names()).containsExactly("all", "app", "trace", "kernel");
    }

    /** A recording as console.log holds it: cleaned lines. */
    private static List<String> recording(String name) throws IOException {
        Path file = Path.of(System.getProperty("unifarm.fixtures.dir"), "unikraft", name);
        return Files.readAllLines(file, StandardCharsets.ISO_8859_1).stream().flatMap(line -> ConsoleCleaner.lines(line).stream())
                .toList();
    }
}
