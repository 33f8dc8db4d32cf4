package dev.unifarm.api.coverage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unifarm.scheduler.InstanceState;
import dev.unifarm.scheduler.InstanceStatus;
import dev.unifarm.scheduler.coverage.ShimTrace;
import dev.unifarm.scheduler.coverage.ShimTraceParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Why an observed run has no trace: the app never started (the farm's 0.16.3 recordings), or the kernel prints none. */
class NoTraceTest {

    private static final InstanceStatus FAILED = InstanceStatus.pending("i1", "node", Instant.EPOCH)
            .finished(InstanceState.Failed, null, "CpuFeatureMissing", "…", Instant.EPOCH);

    @Test
    void testMessage_kernelThatHaltedBeforeTheApp() throws IOException {
        ShimTrace trace = ShimTraceParser.parse(Files.readString(recording("farm-tcg-default-cpu-no-1gib-pages.log"),
                StandardCharsets.ISO_8859_1));

        assertThat(NoTrace.message(trace, "unikraft-elfloader-9pfs", FAILED))
                .isEqualTo("no syscall trace on the console (Failed/CpuFeatureMissing): the app never started; the kernel's last"
                        + " error: \"CRIT: [libkvmplat] <setup.c @  111> Mem init failed: -95\"");
    }

    @Test
    void testMessage_appThatPrintedOnAKernelWithoutStrace() {
        ShimTrace trace = ShimTraceParser.parse(String.join("\n", List.of("Info: [libukboot] <boot.c @  514> Calling main(4, …)",
                "Hello from Unifarm!")));

        assertThat(NoTrace.message(trace, "unikraft-elfloader-9pfs", FAILED)).endsWith(
                "the unikraft-elfloader-9pfs kernel prints one only when built with CONFIG_LIBSYSCALL_SHIM_STRACE=y");
    }

    @Test
    void testMessage_nothingButKernelInfoSaysNeverStartedWithoutAnError() {
        ShimTrace trace = ShimTraceParser.parse("Info: [libkvmplat] <bootinfo.c @   56> Unikraft Telesto (0.16.3)\n");

        assertThat(NoTrace.message(trace, "k", FAILED)).endsWith("the app never started");
    }

    private static Path recording(String name) {
        return Path.of(System.getProperty("test.fixtures.dir"), "unikraft-0.16.3", name);
    }
}
