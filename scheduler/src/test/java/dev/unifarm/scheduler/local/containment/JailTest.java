package dev.unifarm.scheduler.local.containment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unifarm.imager.model.Image;
import dev.unifarm.imager.model.ImageManifest;
import dev.unifarm.scheduler.Accelerator;
import dev.unifarm.scheduler.Activation;
import dev.unifarm.scheduler.Confinement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jail's script for a boot and for a restore (the farm runs as root here, as the boot tests' host gives). */
class JailTest {

    private static final int UID = 930_001;
    private static final int SNAPSHOT_GID = 965_535;

    @TempDir
    Path work;
    private Path dir;
    private Image image;

    @BeforeEach
    void parts() throws IOException {
        dir = Files.createDirectories(work.resolve("instance"));
        Files.createDirectories(dir.resolve(Jail.VM_DIR));
        Path kernel = Files.writeString(work.resolve("vmlinuz"), "k");
        Path initrd = Files.writeString(work.resolve("initrd.img"), "i");
        ImageManifest manifest = new ImageManifest(ImageManifest.SCHEMA_VERSION, "linux", kernel.toString(), "sha256:0", "sha256:1",
                "/usr/share/dotnet/dotnet", "/app/a.dll", List.of(), new TreeMap<>(Map.of()), "2.0.9", new TreeMap<>(Map.of()));
        image = new Image("sha256:2", manifest, initrd);
    }

    @Test
    void testConfined_bootClearsGroupsAndBindsNoSnapshot() throws IOException {
        Jail jail = Jail.confined(dir, image, Accelerator.tcg, confinement(), Optional.empty(), 0, () -> { });

        assertThat(jail.script()).contains("--clear-groups").doesNotContain("snapshot-ram", "exec 4<", "--groups=");
        assertThat(dir.resolve(Jail.SNAPSHOT_RAM)).doesNotExist();
    }

    @Test
    void testConfined_restoreBindsTheRamFileOpensTheStateAndAddsTheSnapshotGroup() throws IOException {
        Path ram = Files.writeString(work.resolve("snap ram"), "r");
        Path state = Files.writeString(work.resolve("it's state"), "s");

        Jail jail = Jail.confined(dir, image, Accelerator.tcg, confinement(), Optional.empty(), 0, () -> { },
                new Activation.Restore(state, ram), SNAPSHOT_GID);

        List<String> lines = jail.script().lines().toList();
        assertThat(lines).contains("mount --bind '" + ram + "' snapshot-ram", "exec 4<'" + work + "/it'\\''s state'");
        assertThat(lines.get(lines.size() - 1)).contains("--reuid=" + UID, "--regid=" + UID, "--groups=" + SNAPSHOT_GID)
                .doesNotContain("--clear-groups");
        assertThat(lines.indexOf("mount --bind '" + ram + "' snapshot-ram")).as("bound before /tmp is hidden")
                .isLessThan(lines.indexOf(lines.stream().filter(l -> l.startsWith("mkdir /tmp/instance")).findFirst().orElseThrow()));
        assertThat(Files.getAttribute(ram, "unix:gid")).isEqualTo(SNAPSHOT_GID);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ram))).isEqualTo("rw-rw----");
        assertThat(dir.resolve(Jail.SNAPSHOT_RAM)).isRegularFile();
        assertThat(jail.snapshotRam(new Activation.Restore(state, ram))).isEqualTo("snapshot-ram");
    }

    @Test
    void testUnconfined_restoreHandsTheStateAsDescriptor4ThroughAShellThatExecsQemu() {
        Activation.Restore restore = new Activation.Restore(Path.of("/data/s t/state"), Path.of("/data/s t/ram"));
        Jail jail = Jail.unconfined(confinement(), restore);

        assertThat(jail.command(List.of("qemu-system-x86_64", "-m", "384M")))
                .containsExactly("/bin/sh", "-c", "exec 4<\"$0\"; exec \"$@\"", "/data/s t/state", "qemu-system-x86_64", "-m", "384M");
        assertThat(jail.snapshotRam(restore)).isEqualTo("/data/s t/ram");
        assertThat(Jail.unconfined(confinement()).command(List.of("qemu-system-x86_64"))).containsExactly("qemu-system-x86_64");
    }

    @Test
    void testUidRange_theSnapshotGroupIsNoInstancesUid() {
        UidRange range = new UidRange(900_000, 3);

        assertThat(range.snapshotGid()).isEqualTo(900_002);
        assertThat(List.of(range.pick("a", uid -> false), range.pick("b", uid -> false), range.pick("c", uid -> false)))
                .doesNotContain(900_002);
    }

    private static Confinement confinement() {
        return new Confinement(UID, UID, true, null, null, null, null, null, true, null);
    }
}
