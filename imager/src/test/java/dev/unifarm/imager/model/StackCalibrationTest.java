package dev.unifarm.imager.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.unifarm.imager.RealParts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Stack ranges read from the recorded consoles of a real app-elfloader, rounded out to pages. */
class StackCalibrationTest {

    @TempDir
    Path temp;

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            // recording,                           loader said 0x…020 - 0x…020, so pages:
            "dotnet-9p-ok.log,                      400040000, 400061000",
            "dotnet-9p-mknodat-enosys.log,          400040000, 400061000",
            "dotnet-9p-stack-maps-wrong.log,        400040000, 400061000",
            "dotnet-9p-statfs-namelen-zero.log,     400040000, 400061000",
            "dotnet-9p-devzero-shared-mmap.log,     400040000, 400061000",
            "dotnet-ldso-initrd-overlap-crash.log,  402a80000, 402aa1000",
            "dynamic-initrd-ok.log,                 4000c0000, 4000e1000",
            "static-pie-9p-ok.log,                  400040000, 400061000",
            "static-pie-initrd-ok.log,              41fc00000, 41fc21000"})
    void testFromConsoleLog_recordingsRoundedOutToPages(String recording, String start, String end) {
        StackRange range = StackCalibration.fromConsoleLog(RealParts.fixture("unikraft/" + recording));

        assertThat(Long.toHexString(range.start())).isEqualTo(start);
        assertThat(Long.toHexString(range.end())).isEqualTo(end);
    }

    @Test
    void testFromConsole_coversTheReportedStack() throws IOException {
        String console = Files.readString(RealParts.fixture("unikraft/dotnet-9p-ok.log"), java.nio.charset.StandardCharsets.ISO_8859_1);

        StackRange range = StackCalibration.fromConsole(console).orElseThrow();

        assertThat(range.start()).isLessThanOrEqualTo(0x400040020L);
        assertThat(range.end()).isGreaterThanOrEqualTo(0x400060020L);
        assertThat(range.start() % StackCalibration.PAGE).isZero();
        assertThat(range.end() % StackCalibration.PAGE).isZero();
    }

    @Test
    void testFromConsole_alignedRangeKept() {
        assertThat(StackCalibration.fromConsole("hello: Application stack at 0x400040000 - 0x400060000, pointer: 0x40005fda0"))
                .contains(KernelProfile.ELFLOADER_STACK);
    }

    @Test
    void testFromConsole_noStackLine() {
        assertThat(StackCalibration.fromConsole("Info: [appelfloader] ELF program loaded\n")).isEmpty();
    }

    @Test
    void testFromConsoleLog_recordingWithoutLineRefused() {
        Path log = RealParts.fixture("unikraft/dotnet-nonpie-rejected.log");

        assertThatIllegalArgumentException().isThrownBy(() -> StackCalibration.fromConsoleLog(log))
                .withMessageContaining("Application stack at").withMessageContaining("APPELFLOADER_DEBUG");
    }

    @Test
    void testFromConsoleLog_missingFile() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> StackCalibration.fromConsoleLog(temp.resolve("none.log")))
                .hasMessageContaining("none.log");
    }
}
