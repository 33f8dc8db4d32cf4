package dev.unifarm.scheduler.qmp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unifarm.scheduler.Accelerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What an instance says when QEMU stopped its guest for good, read with QEMU's log from a real paravirtual KVM. */
class QemuGaveUpTest {

    @Test
    void testMessage_quotesQemuOnTheKvmInternalErrorWithoutItsDump() throws IOException {
        QemuGaveUp gaveUp = QemuGaveUp.of("internal-error").orElseThrow();

        String message = gaveUp.message(Accelerator.kvm, recordedQemuLog());

        assertThat(gaveUp.reason()).isEqualTo("QemuInternalError");
        assertThat(message).startsWith("QEMU stopped the guest (run state internal-error under kvm); QEMU: KVM internal error. Suberror: 1 | emulation failure")
                .doesNotContain("extra data")
                .contains("unifarm.scheduler.accelerator=tcg");
    }

    @Test
    void testOf_onlyStatesQemuDoesNotLeave() {
        assertThat(QemuGaveUp.of("guest-panicked")).map(QemuGaveUp::reason).contains("GuestPanicked");
        assertThat(QemuGaveUp.of("running")).isEmpty();
        assertThat(QemuGaveUp.of("paused")).as("a stop we asked for").isEmpty();
        assertThat(QemuGaveUp.of("shutdown")).isEmpty();
    }

    @Test
    void testMessage_noHintUnderTcgAndNoWordsWithoutALog() {
        assertThat(QemuGaveUp.of("guest-panicked").orElseThrow().message(Accelerator.tcg, List.of()))
                .isEqualTo("QEMU stopped the guest (run state guest-panicked under tcg)");
    }

    private static List<String> recordedQemuLog() throws IOException {
        Path file = Path.of(System.getProperty("unifarm.fixtures.dir"), "unikraft-0.16.3", "farm-kvm-pvm-internal-error.qemu.log");
        return Files.readAllLines(file, StandardCharsets.UTF_8);
    }
}
