package dev.unifarm.api.coverage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unifarm.scheduler.coverage.KernelSyscallTable;
import dev.unifarm.scheduler.coverage.ShimTraceParser;
import dev.unifarm.scheduler.coverage.SyscallOutcome;
import dev.unifarm.scheduler.coverage.SyscallProfile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Predicted coverage of hello against app-elfloader 0.16.3's stock table, read from its symbols (testdata/unikraft-0.16.3). */
class PredictedCoverageTest {

    @Test
    void testPredicted_stockSymbolsCountArchPrctlAsImplemented() throws IOException {
        // hello's calls as the farm's run on that kernel traced them (arch_prctl among them, and it worked)
        SyscallProfile hello = ShimTraceParser.parse(Files.readString(fixture("farm-patched-calibrated-ok-vm-idles.log"),
                StandardCharsets.ISO_8859_1)).profile();
        KernelSyscallTable stock = KernelSyscallTable.fromSymbols(fixture("kernel-stock-uk_syscall_r-symbols.txt"));

        CoverageReport.Predicted predicted = CoverageCalculator.predicted("run", hello, stock);

        assertThat(hello.namesWith(SyscallOutcome.ok)).contains("arch_prctl");
        assertThat(predicted.missing()).doesNotContain("arch_prctl", "clone")
                .containsAll(hello.namesWith(SyscallOutcome.enosys));
    }

    private static Path fixture(String name) {
        return Path.of(System.getProperty("test.fixtures.dir"), "unikraft-0.16.3", name);
    }
}
