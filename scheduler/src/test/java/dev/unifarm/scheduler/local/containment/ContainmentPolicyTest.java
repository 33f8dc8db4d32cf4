package dev.unifarm.scheduler.local.containment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unifarm.scheduler.Accelerator;
import dev.unifarm.scheduler.Confinement;
import dev.unifarm.scheduler.ContainmentSettings;
import dev.unifarm.scheduler.LaunchRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the farm contains QEMU with where the host allows less, and that it says so (start-up line, instance note). */
class ContainmentPolicyTest {

    private static final ContainmentSettings DEFAULTS = ContainmentSettings.defaults();

    @TempDir
    Path dir;

    @Test
    void testNotRoot_qemuRunsAsTheFarmsUserUnderItsSandboxAndTheFarmSaysSo() throws IOException {
        Containment containment = Containment.forFarm(DEFAULTS, 1000, () -> null, Optional::empty);

        assertThat(containment.ownUsers()).isFalse();
        assertThat(containment.describe()).contains("QEMU runs as uid 1000", "not root", "under its seccomp sandbox only",
                "no memory or CPU cap");
        Confinement confinement = containment.prepare(request(), Accelerator.tcg).confinement();
        assertThat(confinement.uid()).isEqualTo(1000);
        assertThat(confinement.ownUser()).isFalse();
        assertThat(confinement.sandbox()).isEqualTo(Containment.SANDBOX);
        assertThat(confinement.memoryLimitMiB()).isNull();
        assertThat(confinement.note()).contains("not root");
    }

    @Test
    void testSwitchedOff_noSandboxEither() throws IOException {
        Containment containment = Containment.forFarm(new ContainmentSettings(false, 900_000, 16, 256, 0, null, null, false), 0,
                () -> null, Optional::empty);

        assertThat(containment.prepare(request(), Accelerator.tcg).confinement().sandbox()).isNull();
        assertThat(containment.describe()).contains("switched off");
    }

    @Test
    void testRootWithoutUnshare_saysWhy() {
        Containment containment = Containment.forFarm(DEFAULTS, 0, () -> "`unshare --mount` failed here (EPERM)", Optional::empty);

        assertThat(containment.ownUsers()).isFalse();
        assertThat(containment.describe()).contains("unshare --mount` failed here (EPERM)");
    }

    @Test
    void testRootWithUnwritableCgroups_ownUidsButNoCapsAndSaysWhy() throws IOException {
        Path notADir = Files.writeString(dir.resolve("cgroupfs"), "read-only");
        Containment containment = Containment.forFarm(DEFAULTS, 0, () -> null,
                () -> Optional.of(new CgroupHierarchy(false, Map.of("memory", notADir))));

        assertThat(containment.ownUsers()).isTrue();
        assertThat(containment.describe()).contains("own uid", "not capped: cannot write cgroups here");
    }

    @Test
    void testRootWithoutMemoryController_notCapped() {
        assertThat(Containment.forFarm(DEFAULTS, 0, () -> null, Optional::empty).describe())
                .contains("not capped: no cgroup memory controller is mounted");
    }

    private LaunchRequest request() {
        return new LaunchRequest("i1", null, null, null, 384, dir.resolve("i1"));
    }
}
