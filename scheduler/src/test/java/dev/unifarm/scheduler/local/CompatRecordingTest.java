package dev.unifarm.scheduler.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unifarm.imager.model.KernelProfile.ExitDetection;
import dev.unifarm.scheduler.console.CompatConsoleProtocol;
import dev.unifarm.scheduler.console.ConsoleCleaner;
import dev.unifarm.scheduler.console.LinuxConsoleProtocol;
import dev.unifarm.scheduler.diagnosis.Diagnosis;
import dev.unifarm.scheduler.diagnosis.FailureDiagnoser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The compatibility layer on the unchanged app-elfloader 0.16.3 (testdata/unikraft-0.16.3/compat-stock-*,
 * README there): the recorded consoles, read line by line as the scheduler reads them, give the exit
 * detection's wait status at the layer's line and nowhere else (the kernel's trace of the layer's own
 * write quotes the line and must not count), and QEMU's recorded exit status agrees.
 */
class CompatRecordingTest {

    @Test
    void testHello_exitZeroAfterItsLine() throws IOException {
        List<String> lines = console("compat-stock-hello-exit0.log");

        Detected end = detect(lines);

        assertThat(end.status()).isEqualTo(0);
        assertThat(LinuxConsoleProtocol.exitCode(end.status())).isZero();
        assertThat(lines.subList(0, end.index())).contains("Hello from Unifarm!");
        assertThat(lines.get(end.index())).isEqualTo("unifarm-compat: exit 0");
        // QEMU's exit status in the recording: 1 = (0 << 1) | 1
        assertThat(CompatConsoleProtocol.qemuExitStatus(0)).isEqualTo(1);
    }

    @Test
    void testHello_theKernelsGapsWereHitAndAnsweredBeforeTheEnd() throws IOException {
        List<String> lines = console("compat-stock-hello-exit0.log");

        // the unchanged kernel still refuses: the layer answered above it
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("mknodat(").endsWith("= Function not implemented (-38)"));
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("MAP_SHARED").endsWith("= Operation not supported (-95)"));
        assertThat(lines).contains("poll(0x0, 0x0, ...) = Bad address (-14)");
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("Application stack at 0x400080020 - 0x4000a0020"));
        assertThat(lines).noneSatisfy(line -> assertThat(line).contains("HRESULT"));
        assertThat(FailureDiagnoser.of(lines)).isEmpty();
    }

    @Test
    void testCrash_abortIsSigabrtWithTheDiagnosis() throws IOException {
        List<String> lines = console("compat-stock-crash-abort.log");

        Detected end = detect(lines);
        Optional<Diagnosis> diagnosis = FailureDiagnoser.of(lines.subList(0, end.index() + 1));

        assertThat(LinuxConsoleProtocol.killedBySignal(end.status())).isTrue();
        assertThat(LinuxConsoleProtocol.exitCode(end.status())).isEqualTo(134);
        assertThat(lines.get(end.index())).isEqualTo("unifarm-compat: abort");
        assertThat(diagnosis).map(Diagnosis::reason).hasValue("UnhandledException");
        // QEMU's exit status in the recording: 13 = ((134 << 1) | 1) & 0xff
        assertThat(CompatConsoleProtocol.qemuExitStatus(134)).isEqualTo(13);
    }

    @Test
    void testOtherDetectionsReadNothingHere() throws IOException {
        for (String line : console("compat-stock-hello-exit0.log")) {
            assertThat(AppOutput.waitStatus(ExitDetection.LINUX_PANIC, line)).isEmpty();
            assertThat(AppOutput.waitStatus(ExitDetection.NONE, line)).isEmpty();
        }
    }

    /** The first line the unifarm-compat detection reads as an end, and its wait status. */
    private static Detected detect(List<String> lines) {
        Detected first = null;
        int count = 0;
        for (int i = 0; i < lines.size(); i++) {
            OptionalInt status = AppOutput.waitStatus(ExitDetection.UNIFARM_COMPAT, lines.get(i));
            if (status.isPresent()) {
                count++;
                if (first == null) {
                    first = new Detected(i, status.getAsInt());
                }
            }
        }
        assertThat(first).as("the layer's end line").isNotNull();
        assertThat(count).as("end lines (the kernel's trace of the write is not one)").isEqualTo(1);
        return first;
    }

    private static List<String> console(String name) throws IOException {
        Path file = Path.of(System.getProperty("unifarm.fixtures.dir"), "unikraft-0.16.3", name);
        // as ConsoleTail splits raw lines and cleans each
        return Files.readString(file, StandardCharsets.ISO_8859_1).lines().flatMap(line -> ConsoleCleaner.lines(line).stream())
                .toList();
    }

    private record Detected(int index, int status) {
    }
}
