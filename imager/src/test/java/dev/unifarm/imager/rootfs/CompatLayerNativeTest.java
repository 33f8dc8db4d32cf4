package dev.unifarm.imager.rootfs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unifarm.imager.model.TraceOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The layer the build compiled, on the host (same Debian 12 glibc as the images): a probe makes the calls
 * app-elfloader refuses while the host's strace fails them the way that kernel does ({@code mknodat}
 * ENOSYS, {@code poll} EFAULT, the shared {@code /dev/zero} {@code mmap} EOPNOTSUPP, lwIP's missing
 * {@code SO_REUSEPORT} and {@code SO_RCVTIMEO} ENOPROTOOPT: the layer keeps the timeout and a receive ends EAGAIN). Without the layer
 * the probe sees the refusals; preloaded, Linux's answers. And the end line, without a power-off in ring 3.
 */
class CompatLayerNativeTest {

    @TempDir
    static Path dir;
    private static Path library;
    private static Path probe;

    @BeforeAll
    static void buildProbe() throws IOException, InterruptedException {
        library = Files.write(dir.resolve("libunifarm-compat.so"), CompatLayer.library());
        Path source = dir.resolve("compat-probe.c");
        try (InputStream in = CompatLayerNativeTest.class.getResourceAsStream("compat-probe.c")) {
            Files.copy(in, source);
        }
        probe = dir.resolve("compat-probe");
        assertThat(run(List.of("gcc", "-O2", "-o", probe.toString(), source.toString())).code()).isZero();
    }

    @Test
    void testWithoutTheLayer_theProbeSeesTheRefusals() throws Exception {
        Result result = run(strace(false, mmapCallNumber(false)));

        assertThat(result.stdout()).contains("mkfifo -1 Function not implemented", "poll -1 Bad address",
                "mmap Operation not supported", "setsockopt -1 Protocol not available",
                "rcvtimeo -1 Protocol not available");
        assertThat(result.stderr()).doesNotContain("unifarm-compat");
    }

    @Test
    void testWithTheLayer_linuxsAnswersAndTheEndLine() throws Exception {
        Result result = run(strace(true, mmapCallNumber(true)));

        assertThat(result.stdout()).contains("mkfifo 0 ok", "poll 0 ok", "mmap ok", "setsockopt 0 ok", "rcvtimeo 0 ok",
                "recv -1 Resource temporarily unavailable");
        assertThat(result.stderr()).contains("unifarm-compat: exit 3\n");
        assertThat(result.code()).isEqualTo(3);
    }

    @Test
    void testPowerOffAskedForOnLinux_isNeverAPortWrite() throws Exception {
        // ring 3: an outb would be SIGSEGV; the layer checks the privilege level, not only the setting
        Result result = run(List.of("env", "LD_PRELOAD=" + library, "UNIFARM_COMPAT_POWEROFF=isa-debug-exit", probe.toString()));

        assertThat(result.code()).isEqualTo(3);
        assertThat(result.stderr()).isEqualTo("unifarm-compat: exit 3\n");
    }

    @Test
    void testAbortAndUnderscoreExit_reportTheirEnd() throws Exception {
        Result abort = run(List.of("env", "LD_PRELOAD=" + library, probe.toString(), "abort"));
        Result exit = run(List.of("env", "LD_PRELOAD=" + library, probe.toString(), "_exit"));

        assertThat(abort.stderr()).isEqualTo("unifarm-compat: abort\n");
        assertThat(abort.code()).isEqualTo(134); // the real abort runs on Linux: SIGABRT
        assertThat(exit.stderr()).isEqualTo("unifarm-compat: exit 5\n");
        assertThat(exit.code()).isEqualTo(5);
    }

    /** The probe's mmap of /dev/zero among its process's mmap calls (the loader's come first), 1-based. */
    private static int mmapCallNumber(boolean preload) throws Exception {
        Path trace = dir.resolve("mmap-" + System.nanoTime() + ".trace");
        List<String> command = new ArrayList<>(List.of(TraceOptions.HOST_STRACE.toString(), "-qq", "-o", trace.toString(),
                "-e", "trace=mmap"));
        if (preload) {
            command.addAll(List.of("-E", "LD_PRELOAD=" + library));
        }
        command.add(probe.toString());
        run(command);
        List<String> calls = Files.readAllLines(trace).stream().filter(line -> line.startsWith("mmap(")).toList();
        int index = calls.indexOf(calls.stream().filter(line -> line.contains("MAP_SHARED")).findFirst().orElseThrow());
        return index + 1;
    }

    /**
     * The probe under strace failing what app-elfloader 0.16.3 fails; the layer preloaded or not. Only the
     * first poll fails (the probe's {@code poll(NULL, 0, t)}): the layer's own poll for a kept receive
     * timeout has a descriptor, which that kernel answers.
     */
    private static List<String> strace(boolean preload, int mmapCall) {
        List<String> command = new ArrayList<>(List.of(TraceOptions.HOST_STRACE.toString(), "-qq", "-o", "/dev/null",
                "-e", "trace=mknodat,poll,mmap,setsockopt", "-e", "inject=mknodat:error=ENOSYS", "-e", "inject=poll:error=EFAULT:when=1",
                "-e", "inject=setsockopt:error=ENOPROTOOPT",
                "-e", "inject=mmap:error=EOPNOTSUPP:when=" + mmapCall));
        if (preload) {
            command.addAll(List.of("-E", "LD_PRELOAD=" + library));
        }
        command.add(probe.toString());
        return command;
    }

    private record Result(int code, String stdout, String stderr) {
    }

    private static Result run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).start();
        process.getOutputStream().close();
        byte[] out = process.getInputStream().readAllBytes();
        byte[] err = process.getErrorStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Result result = new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
        System.out.println(String.join(" ", command) + "\n  -> " + result);
        return result;
    }
}
