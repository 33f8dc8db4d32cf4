package dev.unifarm.scheduler.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unifarm.imager.model.Image;
import dev.unifarm.imager.model.ImageManifest;
import dev.unifarm.imager.kernel.KernelCommandLine;
import dev.unifarm.scheduler.Accelerator;
import dev.unifarm.scheduler.Activation;
import dev.unifarm.scheduler.LaunchRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class QemuCommandTest {

    private static final Path KERNEL = Path.of("/parts/kernels/linux/current/vmlinuz");
    private static final Path INITRD = Path.of("/store/blobs/sha256/abc123");
    private static final Path SOCKET = Path.of("qmp.sock");
    private static final Path PID = Path.of("qemu.pid");

    private static final ImageManifest MANIFEST = new ImageManifest(ImageManifest.SCHEMA_VERSION, "linux",
            KERNEL.toString(), "sha256:0123", "sha256:abc123", "/usr/share/dotnet/dotnet", "/app/hello.dll", List.of("a", "b"),
            new TreeMap<>(Map.of("DOTNET_EnableDiagnostics", "0", "GREETING", "hello")), "2.0.9",
            new TreeMap<>(Map.of("initrd", 1L)));
    private static final Image IMAGE = new Image("sha256:def456", MANIFEST, INITRD);

    private static final Path UK_KERNEL = Path.of("/parts/kernels/unikraft/9pfs/elfloader_qemu-x86_64");
    private static final Path TREE = Path.of("/store/trees/abc123");
    /** The recorded .NET boot (fixtures README): 9pfs root, ld.so before the non-PIE host. */
    private static final ImageManifest NINE_P_MANIFEST = new ImageManifest(ImageManifest.SCHEMA_VERSION, "unikraft-elfloader-9pfs",
            UK_KERNEL.toString(), "sha256:0123", "sha256:abc123", "/usr/share/dotnet/dotnet", "/app/hello.dll", List.of(),
            new TreeMap<>(Map.of("COMPlus_EnableDiagnostics", "0")), "2.0.0", new TreeMap<>(Map.of("initrd", 1L)),
            new ImageManifest.Boot("9pfs", "unikraft", "none", "/lib64/ld-linux-x86-64.so.2", 8,
                    new ImageManifest.Stack("0x400040000", "0x400060000", "configured")));
    private static final Image NINE_P_IMAGE = new Image("sha256:fed789", NINE_P_MANIFEST, TREE);

    @Test
    void testOf_machineSerialAndControl() {
        List<String> command = QemuCommand.of(request(null, null), IMAGE, Accelerator.tcg, SOCKET, PID);

        assertThat(command.get(0)).isEqualTo("qemu-system-x86_64");
        assertThat(command).containsSequence("-m", "384M")
                .containsSequence("-smp", "1")
                .contains("-nodefaults", "-no-reboot")
                .containsSequence("-chardev", "file,id=con0,path=console.raw,append=on")
                .containsSequence("-serial", "chardev:con0")
                .doesNotContain("stdio")
                .containsSequence("-qmp", "unix:qmp.sock,server=on,wait=off")
                .containsSequence("-pidfile", "qemu.pid")
                .containsSequence("-kernel", KERNEL.toString())
                .containsSequence("-initrd", INITRD.toString());
    }

    @Test
    void testOf_memoryFromRequest() {
        List<String> command = QemuCommand.of(
                new LaunchRequest("i1", IMAGE, null, null, 1024, Path.of("/tmp/i1")), IMAGE, Accelerator.tcg, SOCKET, PID);

        assertThat(command).containsSequence("-m", "1024M").doesNotContain("384M");
    }

    @Test
    void testOf_tcgAccelerator() {
        List<String> command = QemuCommand.of(request(null, null), IMAGE, Accelerator.tcg, SOCKET, PID);

        assertThat(command).containsSequence("-accel", "tcg,tb-size=64").doesNotContain("kvm", "-cpu");
    }

    /** The default TCG CPU has no 1 GiB pages: a Unikraft kernel halts at once (testdata/unikraft-0.16.3, farm-tcg-default-cpu-no-1gib-pages.log). */
    @Test
    void testOf_unikraftUnderTcgGetsACpuWithWhatTheKernelNeeds() {
        List<String> command = QemuCommand.of(request(null, null), NINE_P_IMAGE, Accelerator.tcg, SOCKET, PID);

        assertThat(command).containsSequence("-accel", "tcg,tb-size=64", "-cpu", "max").doesNotContain("kvm", "host");
        assertThat(Accelerator.tcg.qemuArgs()).as("the probe's arguments stay the accelerator alone").containsExactly("-accel", "tcg,tb-size=64");
    }

    @Test
    void testOf_unikraftUnderKvmKeepsTheHostCpu() {
        List<String> command = QemuCommand.of(request(null, null), NINE_P_IMAGE, Accelerator.kvm, SOCKET, PID);

        assertThat(command).containsSequence("-accel", "kvm", "-cpu", "host").doesNotContain("max", "tcg");
    }

    @Test
    void testOf_kvmAcceleratorWithHostCpu() {
        List<String> command = QemuCommand.of(request(null, null), IMAGE, Accelerator.kvm, SOCKET, PID);

        assertThat(command).containsSequence("-accel", "kvm", "-cpu", "host").doesNotContain("tcg");
    }

    @Test
    void testOf_appendIsManifestCommandLine() {
        List<String> command = QemuCommand.of(request(null, null), IMAGE, Accelerator.tcg, SOCKET, PID);

        assertThat(command).containsSequence("-append", KernelCommandLine.of(MANIFEST));
        assertThat(append(command)).endsWith("-- /app/hello.dll a b").contains("GREETING=hello", "rdinit=/usr/share/dotnet/dotnet");
    }

    @Test
    void testOf_appendCarriesInstanceOverrides() {
        List<String> args = List.of("x", "y");
        Map<String, String> env = Map.of("GREETING", "hi", "EXTRA", "1");
        List<String> command = QemuCommand.of(request(args, env), IMAGE, Accelerator.tcg, SOCKET, PID);

        assertThat(command).containsSequence("-append", KernelCommandLine.of(MANIFEST, args, env));
        assertThat(append(command)).endsWith("-- /app/hello.dll x y")
                .contains("GREETING=hi", "EXTRA=1", "DOTNET_EnableDiagnostics=0")
                .doesNotContain("GREETING=hello");
    }

    @Test
    void testOf_unikraftAppWithAPortGetsQemusUserNetworkAddress() {
        LaunchRequest http = new LaunchRequest("i1", NINE_P_IMAGE, null, null, 384, Path.of("/tmp/i1"), 8080);

        assertThat(append(QemuCommand.of(http, NINE_P_IMAGE, Accelerator.tcg, SOCKET, PID)))
                .startsWith("netdev.ip=[ 10.0.2.15/24:10.0.2.2:10.0.2.3 ] vfs.fstab=[ ");
        assertThat(append(QemuCommand.of(request(null, null), NINE_P_IMAGE, Accelerator.tcg, SOCKET, PID)))
                .as("no port, no network device: nothing to configure").doesNotContain("netdev");
        assertThat(append(QemuCommand.of(new LaunchRequest("i1", IMAGE, null, null, 384, Path.of("/tmp/i1"), 8080), IMAGE,
                Accelerator.tcg, SOCKET, PID))).as("linux configures eth0 in its init").doesNotContain("netdev");
    }

    @Test
    void testOf_initrdProfileHasNoFsdev() {
        List<String> command = QemuCommand.of(request(null, null), IMAGE, Accelerator.tcg, SOCKET, PID);

        assertThat(command).doesNotContain("-fsdev", "-device");
    }

    @Test
    void testOf_9pfsSharesTreeReadOnlyWithoutInitrd() {
        List<String> command = QemuCommand.of(request(null, null), NINE_P_IMAGE, Accelerator.tcg, SOCKET, PID);

        assertThat(command).doesNotContain("-initrd")
                .containsSequence("-kernel", UK_KERNEL.toString())
                .containsSequence("-fsdev", "local,id=fs0,path=" + TREE + ",security_model=none,readonly=on")
                .containsSequence("-device", "virtio-9p-pci,fsdev=fs0,mount_tag=fs0");
        assertThat(command.indexOf("-fsdev")).isGreaterThan(command.indexOf("-kernel")).isLessThan(command.indexOf("-append"));
    }

    @Test
    void testOf_compatExitGetsIsaDebugExitOnlyThere() {
        ImageManifest compat = new ImageManifest(NINE_P_MANIFEST.schemaVersion(), NINE_P_MANIFEST.profile(), NINE_P_MANIFEST.kernel(),
                NINE_P_MANIFEST.kernelDigest(), NINE_P_MANIFEST.initrd(), NINE_P_MANIFEST.executable(), NINE_P_MANIFEST.entrypoint(),
                NINE_P_MANIFEST.args(), NINE_P_MANIFEST.env(), NINE_P_MANIFEST.runtime(), NINE_P_MANIFEST.sizes(),
                new ImageManifest.Boot("9pfs", "unikraft", "unifarm-compat", "/lib64/ld-linux-x86-64.so.2", 8,
                        new ImageManifest.Stack("0x400040000", "0x400060000", "configured")));

        List<String> command = QemuCommand.of(request(null, null), new Image("sha256:fed78a", compat, TREE), Accelerator.tcg,
                SOCKET, PID);

        assertThat(command).containsSequence("-device", "isa-debug-exit,iobase=0xf4,iosize=0x04");
        assertThat(QemuCommand.of(request(null, null), NINE_P_IMAGE, Accelerator.tcg, SOCKET, PID))
                .doesNotContain("isa-debug-exit,iobase=0xf4,iosize=0x04");
        assertThat(QemuCommand.of(request(null, null), IMAGE, Accelerator.tcg, SOCKET, PID))
                .doesNotContain("isa-debug-exit,iobase=0xf4,iosize=0x04");
    }

    @Test
    void testOf_9pfsAppendIsUnikraftCommandLine() {
        List<String> command = QemuCommand.of(request(null, null), NINE_P_IMAGE, Accelerator.tcg, SOCKET, PID);

        assertThat(append(command)).isEqualTo("vfs.fstab=[ \"fs0:/:9pfs\" ] env.vars=[ COMPlus_EnableDiagnostics=0 ]"
                + " -- /lib64/ld-linux-x86-64.so.2 /usr/share/dotnet/dotnet /app/hello.dll");
    }

    @Test
    void testOf_9pfsAppendCarriesInstanceOverrides() {
        List<String> command = QemuCommand.of(request(List.of("x y"), Map.of("GREETING", "hi there")), NINE_P_IMAGE,
                Accelerator.tcg, SOCKET, PID);

        assertThat(append(command)).isEqualTo("vfs.fstab=[ \"fs0:/:9pfs\" ] env.vars=[ COMPlus_EnableDiagnostics=0"
                + " \"GREETING=hi there\" ] -- /lib64/ld-linux-x86-64.so.2 /usr/share/dotnet/dotnet /app/hello.dll \"x y\"");
    }

    @Test
    void testRootfs_commaInTreePathDoubled() {
        Image image = new Image("sha256:1", NINE_P_MANIFEST, Path.of("/store/a,b/trees/abc"));

        assertThat(QemuCommand.rootfs(image, image.initrd().toString())).contains("local,id=fs0,path=/store/a,,b/trees/abc,security_model=none,readonly=on");
    }

    @Test
    void testOf_bootHasNoControlPortAndAnonymousRam() {
        List<String> command = QemuCommand.of(request(null, null), IMAGE, Accelerator.tcg, SOCKET, PID);

        assertThat(String.join(" ", command)).doesNotContain("ctl0", "memory-backend", "-incoming", "-object");
    }

    @Test
    void testOf_snapshotBootsOnSharedRamFileWithTheControlPortAsSecondSerial() {
        List<String> command = QemuCommand.of(request(null, null).withActivation(new Activation.Snapshot()), IMAGE, Accelerator.tcg,
                SOCKET, PID);

        assertThat(command).containsSequence("-serial", "chardev:con0", "-chardev", "socket,id=ctl0,path=vm/ctl.sock,server=on,wait=off",
                        "-serial", "chardev:ctl0")
                .containsSequence("-object", "memory-backend-file,id=pc.ram,size=384M,mem-path=vm/snapshot.ram,share=on",
                        "-machine", "memory-backend=pc.ram")
                .containsSequence("-m", "384M")
                .doesNotContain("-incoming");
    }

    @Test
    void testOf_restoreMapsTheRamFilePrivatelyAndWaitsForItsState() {
        Activation.Restore restore = new Activation.Restore(Path.of("/data/snap,1/state"), Path.of("/data/snap,1/ram"));
        LaunchRequest request = request(null, null).withActivation(restore);

        List<String> command = QemuCommand.of(request, IMAGE, Accelerator.tcg, SOCKET, PID);

        assertThat(command).containsSequence("-serial", "chardev:con0", "-chardev", "socket,id=ctl0,path=vm/ctl.sock,server=on,wait=off",
                        "-serial", "chardev:ctl0")
                .containsSequence("-object", "memory-backend-file,id=pc.ram,size=384M,mem-path=/data/snap,,1/ram,share=off",
                        "-machine", "memory-backend=pc.ram")
                .containsSequence("-incoming", "defer");
        List<String> snapshot = QemuCommand.of(request(null, null).withActivation(new Activation.Snapshot()), IMAGE, Accelerator.tcg,
                SOCKET, PID);
        assertThat(command.stream().filter(w -> !w.contains("mem-path") && !w.equals("-incoming") && !w.equals("defer")).toList())
                .as("the device set of a restore is the snapshot's").isEqualTo(snapshot.stream().filter(w -> !w.contains("mem-path")).toList());
    }

    @Test
    void testRefusal_snapshotsNeedTheResumeHelperAndAPort() {
        ImageManifest.Boot linux = MANIFEST.boot();
        ImageManifest.Boot helped = new ImageManifest.Boot(linux.delivery(), linux.commandLine(), linux.exit(), linux.loader(),
                linux.maxEnv(), linux.stack(), linux.initEnv(), true);
        Image withHelper = new Image("sha256:1", withBoot(MANIFEST, helped), INITRD);
        LaunchRequest snapshot = new LaunchRequest("i1", withHelper, null, null, 384, Path.of("/tmp/i1"), 8080)
                .withActivation(new Activation.Snapshot());

        assertThat(ActivationRun.refusal(snapshot)).isNull();
        assertThat(ActivationRun.refusal(request(null, null))).as("a boot").isNull();
        assertThat(ActivationRun.refusal(new LaunchRequest("i1", IMAGE, null, null, 384, Path.of("/tmp/i1"), 8080)
                .withActivation(new Activation.Snapshot()))).contains("resume helper", "rebuild the image");
        assertThat(ActivationRun.refusal(new LaunchRequest("i1", withHelper, null, null, 384, Path.of("/tmp/i1"))
                .withActivation(new Activation.Restore(Path.of("s"), Path.of("r"))))).contains("an app with a port");
        assertThat(ActivationRun.refusal(new LaunchRequest("i1", NINE_P_IMAGE, null, null, 384, Path.of("/tmp/i1"), 8080)
                .withActivation(new Activation.Snapshot()))).contains("linux-profile image, not unikraft");
    }

    private static ImageManifest withBoot(ImageManifest m, ImageManifest.Boot boot) {
        return new ImageManifest(m.schemaVersion(), m.profile(), m.kernel(), m.kernelDigest(), m.initrd(), m.executable(), m.entrypoint(),
                m.args(), m.env(), m.runtime(), m.sizes(), boot);
    }

    private static String append(List<String> command) {
        return command.get(command.indexOf("-append") + 1);
    }

    private static LaunchRequest request(List<String> args, Map<String, String> env) {
        return new LaunchRequest("i1", IMAGE, args, env, 384, Path.of("/tmp/i1"));
    }
}
