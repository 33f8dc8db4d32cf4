package dev.unifarm.scheduler.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unifarm.imager.RealParts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every recorded app-elfloader console gets the diagnosis the fixtures' README table names. */
class FailureDiagnoserFixturesTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "dotnet-nonpie-rejected.log | NotPositionIndependent | ld-linux-x86-64.so.2 | ELF executable is not position-independent!",
            "dotnet-ldso-initrd-overlap-crash.log | InitrdOverlapsExecutable | 9pfs | paging.c",
            "dotnet-9p-mknodat-enosys.log | SyscallNotImplemented | mknodat | HRESULT: 0x80004005",
            "dotnet-9p-stack-maps-wrong.log | StackMappingWrong | [stack] | HRESULT: 0x80004005",
            "dotnet-9p-statfs-namelen-zero.log | StatfsNameLengthZero | f_namelen | HRESULT: 0x800700CE",
            "dotnet-9p-devzero-shared-mmap.log | SharedMappingUnsupported | MAP_SHARED | OutOfMemoryException",
    })
    void testDiagnosis_failureRecordingGetsTheReadmeCause(String file, String reason, String inMessage, String evidence)
            throws IOException {
        Diagnosis diagnosis = diagnose(file).orElseThrow(() -> new AssertionError(file + " got no diagnosis"));

        System.out.println(file + " -> " + diagnosis.reason() + ": " + diagnosis.message());
        assertThat(diagnosis.reason()).isEqualTo(reason);
        assertThat(diagnosis.message()).contains(inMessage);
        assertThat(diagnosis.evidence()).contains(evidence);
    }

    /** The farm's own runs on app-elfloader 0.16.3 (testdata/unikraft-0.16.3/README.md). */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "farm-tcg-default-cpu-no-1gib-pages.log | CpuFeatureMissing | -cpu max | 1GiB pages not supported",
            "farm-stock-mknodat-enosys.log | SyscallNotImplemented | mknodat | HRESULT: 0x80004005",
            "farm-patched-default-stack-wrong.log | StackMappingWrong | [stack] | HRESULT: 0x80004005",
    })
    void testDiagnosis_farmRunOn0163GetsTheReadmeCause(String file, String reason, String inMessage, String evidence)
            throws IOException {
        Diagnosis diagnosis = diagnoseAt("unikraft-0.16.3/" + file).orElseThrow(() -> new AssertionError(file + " got no diagnosis"));

        assertThat(diagnosis.reason()).isEqualTo(reason);
        assertThat(diagnosis.message()).contains(inMessage);
        assertThat(diagnosis.evidence()).contains(evidence);
    }

    @ParameterizedTest
    @ValueSource(strings = {"farm-patched-calibrated-ok-vm-idles.log"})
    void testDiagnosis_farmRunThatWorkedOn0163GetsNone(String file) throws IOException {
        assertThat(diagnoseAt("unikraft-0.16.3/" + file)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"static-pie-initrd-ok.log", "static-pie-9p-ok.log", "dynamic-initrd-ok.log", "dotnet-9p-ok.log"})
    void testDiagnosis_okRecordingGetsNone(String file) throws IOException {
        assertThat(diagnose(file)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dotnet-9p-devzero-shared-mmap.log"})
    void testDiagnosis_devZeroSharedMappingNamesTheRefusedCall(String file) throws IOException {
        assertThat(diagnose(file).orElseThrow().cause())
                .contains("mmap(NULL, 32768, PROT_READ|PROT_WRITE, MAP_SHARED, fd:16, 0) = Operation not supported (-95)")
                .contains("tgkill");
    }

    private static Optional<Diagnosis> diagnose(String file) throws IOException {
        return diagnoseAt("unikraft/" + file);
    }

    private static Optional<Diagnosis> diagnoseAt(String fixture) throws IOException {
        // ISO-8859-1: the recordings hold raw console bytes; \r of the serial line endings stripped
        List<String> lines = Files.readAllLines(RealParts.fixture(fixture), StandardCharsets.ISO_8859_1).stream()
                .map(line -> line.replace("\r", "")).collect(Collectors.toList());
        return FailureDiagnoser.of(lines);
    }
}
