package dev.unifarm.scheduler.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class QemuVersionTest {

    @Test
    void testParse_takesTheVersionWordOfQemusBanner() {
        assertThat(QemuVersion.parse("QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)\nCopyright (c) 2003-2022 Fabrice Bellard"))
                .contains("7.2.22");
        assertThat(QemuVersion.parse("qemu-system-x86_64: command not found")).isEmpty();
    }

    @Test
    void testSnapshots_localSchedulerTakesThemOnThisHostsQemu() {
        LocalScheduler scheduler = new LocalScheduler(LocalOptions.of(AcceleratorProbe.detect(), "test-node"));
        try {
            Optional<String> version = QemuVersion.ofThisHost();
            assertThat(version).as("the provisioned QEMU answers --version").isPresent();
            assertThat(scheduler.snapshots()).hasValueSatisfying(s -> assertThat(s.qemuVersion()).isEqualTo(version.get()).matches("\\d+\\.\\d+.*"));
        } finally {
            scheduler.close();
        }
    }
}
