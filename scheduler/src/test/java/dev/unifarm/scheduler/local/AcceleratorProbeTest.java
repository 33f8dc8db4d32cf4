package dev.unifarm.scheduler.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import dev.unifarm.scheduler.Accelerator;
import dev.unifarm.scheduler.AcceleratorChoice;
import dev.unifarm.scheduler.AcceleratorSetting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The accelerator probe against the real QEMU. The "broken accelerator" is made deterministic with a
 * guest that spins without writing, so these tests do not depend on what the machine's /dev/kvm can do.
 */
class AcceleratorProbeTest {

    private static final Duration BOUND = Duration.ofSeconds(2);

    @TempDir
    Path work;

    @Test
    void testRunGuest_markerGuestRunsUnderTcg() throws IOException {
        AcceleratorProbe.GuestRun run = AcceleratorProbe.runGuest(Accelerator.tcg, ProbeGuest.marker(), Duration.ofSeconds(20), work);

        System.out.printf("probe guest under TCG: %s%n", run);
        assertThat(run.ran()).as(run.seen()).isTrue();
        assertThat(run.took()).isLessThan(Duration.ofSeconds(20));
        assertLeavesNothingBehind();
    }

    @Test
    void testRunGuest_silentGuestIsRefusedWithinTheBound() throws IOException {
        long started = System.nanoTime();
        AcceleratorProbe.GuestRun run = AcceleratorProbe.runGuest(Accelerator.tcg, ProbeGuest.silent(), BOUND, work);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(run.ran()).isFalse();
        assertThat(run.seen()).contains("the guest printed nothing");
        // the bound plus QEMU's kill and reaping: never the minutes a hanging guest would take
        assertThat(took).isLessThan(BOUND.plusSeconds(8));
        assertLeavesNothingBehind();
    }

    @Test
    void testRunGuest_qemuThatCannotStartIsNamed() {
        AcceleratorProbe.GuestRun run = AcceleratorProbe.runGuest(Accelerator.tcg, new byte[100], BOUND, work);

        assertThat(run.ran()).isFalse();
        assertThat(run.seen()).as("QEMU refuses a BIOS image that is not whole 64 KiB units, and says so")
                .contains("QEMU exited with status 1").contains("QEMU:");
    }

    @Test
    void testChoose_kvmAskedForButTheGuestDoesNotRun_refusesSayingWhatItSaw() {
        assertThatIllegalStateException()
                .isThrownBy(() -> AcceleratorProbe.choose(AcceleratorSetting.kvm, BOUND, work, ProbeGuest.silent()))
                .withMessageMatching("accelerator kvm was asked for, but (/dev/kvm does not exist on this host"
                        + "|a test guest did not run within 2 s under KVM \\(.+\\)).*")
                .withMessageContaining("auto or tcg");
    }

    @Test
    void testChoose_autoFallsBackToTcgAndSaysWhy() {
        AcceleratorChoice choice = AcceleratorProbe.choose(AcceleratorSetting.auto, BOUND, work, ProbeGuest.silent());

        assertThat(choice.accelerator()).isEqualTo(Accelerator.tcg);
        assertThat(choice.reason()).matches("(no /dev/kvm on this host|/dev/kvm present but a test guest did not run within 2 s under KVM \\(.+\\)): using TCG");
    }

    @Test
    void testChoose_tcgNeverTriesKvm() {
        AcceleratorChoice choice = AcceleratorProbe.choose(AcceleratorSetting.tcg, BOUND, work, ProbeGuest.silent());

        assertThat(choice.accelerator()).isEqualTo(Accelerator.tcg);
        assertThat(choice.reason()).contains("KVM not tried");
    }

    /** What this machine's /dev/kvm gives: KVM only if the real marker guest ran under it. */
    @Test
    void testChoose_autoOnThisHost_kvmOnlyWhereTheMarkerGuestRunsUnderKvm() {
        AcceleratorChoice choice = AcceleratorProbe.choose(AcceleratorSetting.auto, AcceleratorProbe.DEFAULT_BOUND, work);
        AcceleratorProbe.GuestRun underKvm = AcceleratorProbe.runGuest(Accelerator.kvm, ProbeGuest.marker(), AcceleratorProbe.DEFAULT_BOUND, work);

        System.out.printf("accelerator on this host: %s (%s); marker guest under KVM: %s%n", choice.accelerator(), choice.reason(), underKvm);
        assertThat(choice.accelerator() == Accelerator.kvm).isEqualTo(underKvm.ran());
    }

    @Test
    void testSetting_parse() {
        assertThat(AcceleratorSetting.parse(" KVM ")).isEqualTo(AcceleratorSetting.kvm);
        assertThatIllegalArgumentException().isThrownBy(() -> AcceleratorSetting.parse("hvf"))
                .withMessage("accelerator must be one of auto, kvm, tcg; got \"hvf\"");
    }

    private void assertLeavesNothingBehind() throws IOException {
        try (Stream<Path> left = Files.list(work)) {
            assertThat(left).as("the probe's ROM is removed").isEmpty();
        }
        assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive))
                .as("no QEMU outlives the probe").isEmpty();
    }
}
