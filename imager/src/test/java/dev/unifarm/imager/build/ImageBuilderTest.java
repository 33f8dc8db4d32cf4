package dev.unifarm.imager.build;

import static dev.unifarm.imager.ImagerFailures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unifarm.imager.RealParts;
import dev.unifarm.imager.bundle.Bundle;
import dev.unifarm.imager.bundle.BundleReader;
import dev.unifarm.imager.bundle.RuntimeConfig;
import dev.unifarm.imager.kernel.KernelCommandLine;
import dev.unifarm.imager.model.Digests;
import dev.unifarm.imager.model.DotnetRuntime;
import dev.unifarm.imager.model.Image;
import dev.unifarm.imager.model.ImageManifest;
import dev.unifarm.imager.model.ImagerException;
import dev.unifarm.imager.model.KernelProfile;
import dev.unifarm.imager.model.TraceOptions;
import dev.unifarm.imager.rootfs.ProcPatch;
import dev.unifarm.imager.store.ImageStore;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Builds real images of the hello sample on the real CoreCLR 2.0.0 runtime and reads their initrds back. */
class ImageBuilderTest {

    private static final String HELLO_COMMAND_LINE = "console=ttyS0 panic=-1 norandmaps no_timer_check quiet rdinit=/init"
            + " COMPlus_EnableDiagnostics=0 DOTNET_EnableDiagnostics=0 DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 -- /app/hello.dll";
    private static final String STACK_RANGE = "7fffff7ff000-7ffffffff000";

    /** The hello image every read-only test inspects, built once. */
    @TempDir
    static Path shared;
    private static ImageStore helloStore;
    private static Image hello;
    private static final List<String> helloLog = new ArrayList<>();
    private static Map<String, InitrdEntry> helloInitrd;

    @TempDir
    Path temp;

    /** One initrd entry: its cpio header and its data (file content or link target). */
    record InitrdEntry(CpioArchiveEntry header, byte[] content) {
        String text() {
            return new String(content, StandardCharsets.UTF_8);
        }
    }

    @BeforeAll
    static void buildHello() throws IOException {
        helloStore = new ImageStore(shared.resolve("store"));
        hello = builder(readHello(shared.resolve("bundle"))).log(helloLog::add).build(helloStore);
        helloInitrd = readInitrd(hello.initrd());
    }

    @Test
    void testBuild_reproducible() throws IOException {
        Image again = builder(readHello(temp.resolve("bundle"))).build(new ImageStore(temp.resolve("store")));

        assertThat(again.digest()).isEqualTo(hello.digest());
        assertThat(again.manifest()).isEqualTo(hello.manifest());
        assertThat(again.initrd()).isNotEqualTo(hello.initrd());
        assertThat(Files.mismatch(again.initrd(), hello.initrd())).as("first differing byte").isEqualTo(-1L);
    }

    @Test
    void testBuild_sameStoreTwiceGivesSameImage() throws IOException {
        Image again = builder(readHello(temp.resolve("bundle"))).build(helloStore);

        assertThat(again.digest()).isEqualTo(hello.digest());
        assertThat(again.initrd()).isEqualTo(hello.initrd());
    }

    @Test
    void testInitrd_isStoredUnderItsDigest() throws IOException {
        assertThat(Digests.of(hello.initrd())).isEqualTo(hello.manifest().initrd());
        assertThat(hello.initrd()).isEqualTo(helloStore.blobPath(hello.manifest().initrd()));
        assertThat(hello.manifest().sizes()).containsEntry("initrd", Files.size(hello.initrd()));
    }

    @Test
    void testInitrd_fixedMtimeAndRootOwner() {
        assertThat(helloInitrd.values()).allSatisfy(entry -> {
            assertThat(entry.header().getTime()).as("mtime of %s", entry.header().getName()).isEqualTo(1);
            assertThat(entry.header().getUID()).as("uid of %s", entry.header().getName()).isZero();
            assertThat(entry.header().getGID()).as("gid of %s", entry.header().getName()).isZero();
        });
    }

    @Test
    void testInitrd_baseLayerThenAppLayerEachSorted() {
        List<String> names = new ArrayList<>(helloInitrd.keySet());
        int firstApp = names.indexOf("app");
        List<String> base = names.subList(0, firstApp);
        List<String> app = names.subList(firstApp, names.size());

        assertThat(names).doesNotHaveDuplicates().hasSizeGreaterThan(100);
        assertThat(base).isSorted().noneMatch(name -> name.startsWith("app"));
        assertThat(app).isSorted().allMatch(name -> name.equals("app") || name.startsWith("app/"));
    }

    @Test
    void testInitrd_inodesAreDistinct() {
        assertThat(helloInitrd.values().stream().map(entry -> entry.header().getInode()).toList()).doesNotHaveDuplicates();
    }

    @Test
    void testInitrd_parentsBeforeChildren() {
        List<String> seen = new ArrayList<>();
        for (String name : helloInitrd.keySet()) {
            int slash = name.lastIndexOf('/');
            if (slash > 0) {
                assertThat(seen).as("parent of %s", name).contains(name.substring(0, slash));
                assertThat(helloInitrd.get(name.substring(0, slash)).header().isDirectory()).isTrue();
            }
            seen.add(name);
        }
    }

    @Test
    void testInitrd_deviceNodes() {
        assertCharDevice("dev/null", 1, 3);
        assertCharDevice("dev/zero", 1, 5);
        assertCharDevice("dev/urandom", 1, 9);
        assertCharDevice("dev/console", 5, 1);
    }

    @Test
    void testInitrd_procSelfAndExe() {
        assertSymlink(helloInitrd, "proc/self", "1");
        assertSymlink(helloInitrd, "proc/1/exe", "/usr/share/dotnet/dotnet");
        assertThat(entry(helloInitrd, "proc/1/cmdline").text()).isEqualTo("/usr/share/dotnet/dotnet\0");
    }

    @Test
    void testInitrd_procMapsDescribesStack() {
        List<String> lines = entry(helloInitrd, "proc/1/maps").text().lines().toList();

        int stack = indexOfStackLine(lines);
        assertThat(stack).as("a [stack] line in %s", lines).isPositive();
        assertThat(lines.get(stack)).startsWith(STACK_RANGE + " ");
        String preceding = lines.get(stack - 1).split(" ")[0];
        assertThat(preceding).endsWith("-7fffff7ff000");
    }

    @Test
    void testInitrd_oneCpuOnline() {
        assertThat(entry(helloInitrd, "sys/devices/system/cpu/online").text()).isEqualTo("0\n");
    }

    @Test
    void testInitrd_runtimeconfigHasInvariantGlobalization() throws IOException {
        JsonNode config = new ObjectMapper().readTree(entry(helloInitrd, "app/hello.runtimeconfig.json").content());

        assertThat(config.at("/runtimeOptions/configProperties/System.Globalization.Invariant").isBoolean()).isTrue();
        assertThat(config.at("/runtimeOptions/configProperties/System.Globalization.Invariant").booleanValue()).isTrue();
        assertThat(config.at("/runtimeOptions/framework/version").asText()).isEqualTo("2.0.0");
    }

    @Test
    void testInitrd_appFilesCopied() throws IOException {
        Path sample = RealParts.sampleDir("hello");

        assertThat(entry(helloInitrd, "app/hello.dll").content()).isEqualTo(Files.readAllBytes(sample.resolve("hello.dll")));
        assertThat(entry(helloInitrd, "app/hello.deps.json").content())
                .isEqualTo(Files.readAllBytes(sample.resolve("hello.deps.json")));
        assertThat(entry(helloInitrd, "app/hello.dll").header().getMode() & 07777).isEqualTo(0644);
    }

    @Test
    void testInitrd_runtimeUnderDotnetRoot() {
        InitrdEntry host = entry(helloInitrd, "usr/share/dotnet/dotnet");
        assertThat(host.header().isRegularFile()).isTrue();
        assertThat(host.header().getMode() & 07777).isEqualTo(0755);
        assertThat(helloInitrd).containsKeys("usr/share/dotnet/host/fxr/2.0.0/libhostfxr.so",
                "usr/share/dotnet/shared/Microsoft.NETCore.App/2.0.0/libcoreclr.so",
                "usr/share/dotnet/shared/Microsoft.NETCore.App/2.0.0/System.Private.CoreLib.dll");
    }

    @Test
    void testInitrd_loaderAndNativeClosure() {
        assertThat(entry(helloInitrd, "lib64/ld-linux-x86-64.so.2").header().isRegularFile()).isTrue();
        assertThat(helloInitrd).containsKeys("lib/x86_64-linux-gnu/libunwind.so.8", "lib/x86_64-linux-gnu/liblzma.so.5",
                "lib/x86_64-linux-gnu/libuuid.so.1", "lib/x86_64-linux-gnu/libstdc++.so.6", "lib/x86_64-linux-gnu/libc.so.6");
        assertThat(helloInitrd).doesNotContainKeys("lib/x86_64-linux-gnu/libcoreclr.so",
                "lib/x86_64-linux-gnu/ld-linux-x86-64.so.2");
    }

    @Test
    void testInitrd_tmpIsStickyWorldWritable() {
        CpioArchiveEntry tmp = entry(helloInitrd, "tmp").header();

        assertThat(tmp.isDirectory()).isTrue();
        assertThat(tmp.getMode() & 07777).isEqualTo(01777);
    }

    @Test
    void testInitrd_powerButtonInitExecsTheHost() {
        assertThat(entry(helloInitrd, "init").text()).startsWith("#!/bin/busybox sh\n")
                .contains("= \"Power Button\"", "kill -TERM 1")
                .endsWith("exec /usr/share/dotnet/dotnet \"$@\"\n");
        assertThat(helloInitrd).containsKey("bin/busybox");
        assertThat(helloInitrd.keySet()).anySatisfy(path -> assertThat(path).startsWith("lib/modules/unifarm/").endsWith("/button.ko"))
                .noneSatisfy(path -> assertThat(path).endsWith("/virtio_net.ko"));
        assertThat(helloLog).anySatisfy(line -> assertThat(line).startsWith("power: /init loads the ACPI power button"));
    }

    @Test
    void testInitrd_resumeHelperFromTheKernelDirStartedBeforeTheHost() throws IOException {
        Path helper = RealParts.linuxKernel().toAbsolutePath().getParent().resolve("guest/unifarm-resume");
        InitrdEntry entry = entry(helloInitrd, "bin/unifarm-resume");

        assertThat(entry.header().getMode() & 07777).isEqualTo(0755);
        assertThat(entry.content()).isEqualTo(Files.readAllBytes(helper));
        String init = entry(helloInitrd, "init").text();
        assertThat(init.indexOf("b env -i /bin/unifarm-resume &\n")).isPositive().isLessThan(init.indexOf("exec /usr/share/dotnet/dotnet"));
        assertThat(hello.manifest().boot().resumeHelper()).isTrue();
        assertThat(helloStore.image(hello.digest()).orElseThrow().manifest().boot().resumeHelper()).as("read back from the store").isTrue();
        assertThat(helloLog).anySatisfy(line -> assertThat(line).startsWith("resume: /init starts /bin/unifarm-resume"));
    }

    @Test
    void testBuild_kernelDirWithoutTheHelperGivesAnImageWithout() throws IOException {
        // the same kernel, in a dir provisioned before the helper existed (no guest/, nor modules)
        Path kernel = Files.copy(RealParts.linuxKernel(), temp.resolve("vmlinuz"));
        List<String> log = new ArrayList<>();

        Image image = ImageBuilder.forBundle(readHello(temp.resolve("bundle-r"))).runtimes(RealParts.runtimeStore())
                .profile(KernelProfile.linux(kernel)).log(log::add).build(store());

        assertThat(image.manifest().boot().resumeHelper()).isFalse();
        assertThat(readInitrd(image.initrd())).doesNotContainKey("bin/unifarm-resume");
        assertThat(entry(readInitrd(image.initrd()), "init").text()).doesNotContain("unifarm-resume");
        assertThat(log).anySatisfy(line -> assertThat(line).startsWith("resume: no ").contains("scripts/provision"));
    }

    @Test
    void testInitrd_etcFiles() {
        assertThat(entry(helloInitrd, "etc/hosts").text()).contains("127.0.0.1 localhost");
        assertThat(entry(helloInitrd, "etc/resolv.conf").text()).startsWith("nameserver ");
    }

    @Test
    void testManifest_commandLine() {
        assertThat(KernelCommandLine.of(hello.manifest())).isEqualTo(HELLO_COMMAND_LINE);
    }

    @Test
    void testManifest_commandLineWithInstanceOverrides() {
        String line = KernelCommandLine.of(hello.manifest(), List.of("x"), Map.of("DOTNET_EnableDiagnostics", "1", "A", "b"));

        assertThat(line).isEqualTo("console=ttyS0 panic=-1 norandmaps no_timer_check quiet rdinit=/init"
                + " A=b COMPlus_EnableDiagnostics=0 DOTNET_EnableDiagnostics=1 DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1"
                + " -- /app/hello.dll x");
    }

    @Test
    void testManifest_describesImage() {
        ImageManifest manifest = hello.manifest();

        assertThat(manifest.schemaVersion()).isEqualTo(ImageManifest.SCHEMA_VERSION);
        assertThat(manifest.profile()).isEqualTo("linux");
        assertThat(manifest.kernel()).isEqualTo(RealParts.linuxKernel().toString());
        assertThat(hello.kernel()).isEqualTo(RealParts.linuxKernel());
        assertThat(manifest.kernelDigest()).isEqualTo(Digests.of(RealParts.linuxKernel()));
        // the power-button init, which execs the host as PID 1
        assertThat(manifest.executable()).isEqualTo("/init");
        assertThat(manifest.entrypoint()).isEqualTo("/app/hello.dll");
        assertThat(manifest.args()).isEmpty();
        assertThat(manifest.runtime()).isEqualTo("2.0.0");
        assertThat(manifest.sizes()).containsOnlyKeys("app", "initrd", "libraries", "runtime")
                .allSatisfy((part, size) -> assertThat(size).as(part).isPositive());
    }

    @Test
    void testStore_imageReadsBackEqualManifest() {
        Optional<Image> stored = helloStore.image(hello.digest());

        assertThat(stored).contains(hello);
        assertThat(helloStore.image(Digests.of(new byte[0]))).isEmpty();
    }

    @Test
    void testBuild_omitStackMapping() throws IOException {
        Image image = builder(readHello(temp.resolve("bundle"))).omit(ProcPatch.STACK_MAPPING).build(store());

        assertThat(image.digest()).isNotEqualTo(hello.digest());
        String maps = entry(readInitrd(image.initrd()), "proc/1/maps").text();
        assertThat(maps).isNotEmpty().doesNotContain("[stack]");
    }

    @Test
    void testBuild_omitSelfExe() throws IOException {
        Image image = builder(readHello(temp.resolve("bundle"))).omit(ProcPatch.SELF_EXE).build(store());

        Map<String, InitrdEntry> initrd = readInitrd(image.initrd());
        assertThat(image.digest()).isNotEqualTo(hello.digest());
        assertThat(initrd).doesNotContainKey("proc/1/exe");
        assertSymlink(initrd, "proc/self", "1");
        assertThat(entry(initrd, "proc/1/maps").text()).contains("[stack]");
    }

    @Test
    void testBuild_argsAndEnvOnCommandLine() throws IOException {
        Image image = builder(readHello(temp.resolve("bundle")))
                .args(List.of("a", "b")).env(Map.of("GREETING", "hi")).build(store());

        assertThat(image.manifest().args()).containsExactly("a", "b");
        assertThat(image.manifest().env()).containsEntry("GREETING", "hi").containsKey("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT");
        assertThat(KernelCommandLine.of(image.manifest())).isEqualTo("console=ttyS0 panic=-1 norandmaps no_timer_check quiet"
                + " rdinit=/init COMPlus_EnableDiagnostics=0 DOTNET_EnableDiagnostics=0"
                + " DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 GREETING=hi -- /app/hello.dll a b");
        assertThat(image.digest()).isNotEqualTo(hello.digest());
        assertThat(image.manifest().initrd()).as("args and env live in the manifest, not the initrd")
                .isEqualTo(hello.manifest().initrd());
    }

    @Test
    void testBuild_envNameWithDot() throws IOException {
        ImagerException e = buildFails(builder(readHello(temp.resolve("bundle"))).env(Map.of("a.b", "1")));

        assertThat(e.getMessage()).contains("a.b");
    }

    @Test
    void testBuild_envValueWithSpaceIsCarriedByInit() throws IOException {
        ImageStore store = store();
        Image image = builder(readHello(temp.resolve("bundle"))).env(Map.of("GREETING", "hello world")).build(store);

        assertThat(store.image(image.digest()).orElseThrow().manifest().boot().initEnv()).as("read back from the store").isTrue();
        assertThat(image.manifest().executable()).isEqualTo("/init");
        assertThat(KernelCommandLine.of(image.manifest())).contains(" UNIFARM_ENV=" + java.util.Base64.getEncoder()
                .encodeToString("GREETING=hello world".getBytes(java.nio.charset.StandardCharsets.UTF_8)) + " ")
                .doesNotContain("hello world");
    }

    @Test
    void testBuild_envValueWithSpaceWithoutStaticBusyboxSaysWhy() throws IOException {
        ImagerException e = buildFails(builder(readHello(temp.resolve("bundle"))).busybox(temp.resolve("no-busybox"))
                .env(Map.of("GREETING", "hello world")));

        assertThat(e.getMessage()).contains("GREETING", "no /init", "static busybox");
    }

    @Test
    void testBuild_portSetsPortAndAspnetcoreUrls() throws IOException {
        List<String> log = new ArrayList<>();
        Image image = builder(readHello(temp.resolve("bundle"))).port(9090).log(log::add).build(store());

        assertThat(image.manifest().env()).containsEntry("PORT", "9090").containsEntry("ASPNETCORE_URLS", "http://+:9090");
        assertThat(log).contains("port: the app's env has PORT=9090 ASPNETCORE_URLS=http://+:9090"
                + " (spec.env or a start's env can set them otherwise)");
    }

    @Test
    void testBuild_argWithSpace() throws IOException {
        buildFails(builder(readHello(temp.resolve("bundle"))).args(List.of("two words")));
    }

    @Test
    void testBuild_moreEnvThanProfileCarries() throws IOException {
        KernelProfile profile = KernelProfile.linux(RealParts.linuxKernel());
        Map<String, String> env = new TreeMap<>();
        for (int i = 0; env.size() + DotnetRuntime.RUNTIME_ENV.size() <= profile.maxEnv(); i++) {
            env.put("VAR_" + i, "v");
        }

        ImagerException e = buildFails(builder(readHello(temp.resolve("bundle"))).profile(profile).env(env));

        assertThat(e.getMessage()).contains("at most " + profile.maxEnv()).contains("spec.env");
    }

    @Test
    void testBuild_mostEnvProfileCarriesFits() throws IOException {
        KernelProfile profile = KernelProfile.linux(RealParts.linuxKernel());
        Map<String, String> env = new TreeMap<>();
        for (int i = 0; env.size() + DotnetRuntime.RUNTIME_ENV.size() < profile.maxEnv(); i++) {
            env.put("VAR_" + i, "v");
        }

        Image image = builder(readHello(temp.resolve("bundle"))).env(env).build(store());

        assertThat(image.manifest().env()).hasSize(profile.maxEnv());
    }

    @Test
    void testBuild_selfContainedBundleRefused() throws IOException {
        Bundle hello = readHello(temp.resolve("bundle"));
        RuntimeConfig selfContained = RuntimeConfig.parse("hello.runtimeconfig.json",
                "{\"runtimeOptions\": {\"tfm\": \"netcoreapp2.0\"}}".getBytes(StandardCharsets.UTF_8));
        Bundle bundle = new Bundle(hello.root(), hello.entrypoint(), selfContained, hello.files());

        ImagerException e = buildFails("invalid-bundle", builder(bundle));

        assertThat(e.getMessage()).contains("self-contained");
    }

    @Test
    void testBuild_runtimeNotInStore() throws IOException {
        Bundle hello = readHello(temp.resolve("bundle"));
        RuntimeConfig wants9 = RuntimeConfig.parse("hello.runtimeconfig.json",
                "{\"runtimeOptions\": {\"framework\": {\"name\": \"Microsoft.NETCore.App\", \"version\": \"9.0.0\"}}}"
                        .getBytes(StandardCharsets.UTF_8));
        Bundle bundle = new Bundle(hello.root(), hello.entrypoint(), wants9, hello.files());

        ImagerException e = buildFails("runtime-not-found", builder(bundle));

        assertThat(e.getMessage()).contains("9.0.0").contains("2.0.0");
    }

    @Test
    void testBuild_logsEachStep() {
        assertThat(helloLog).anySatisfy(line -> assertThat(line).startsWith("runtime: Microsoft.NETCore.App 2.0.0"));
        assertThat(helloLog).anySatisfy(line -> assertThat(line).startsWith("native closure: ").contains("ld-linux-x86-64.so.2"));
        assertThat(helloLog).anySatisfy(line -> assertThat(line)
                .startsWith("initrd: " + hello.manifest().initrd()).contains(Files.size(hello.initrd()) + " bytes"));
        assertThat(helloLog).last().isEqualTo("image: " + hello.digest());
    }

    @Test
    void testBuild_anotherKernelMakesAnotherImage() throws IOException {
        Path kernel = Files.write(temp.resolve("vmlinuz"), new byte[] {1, 2, 3});

        Image other = ImageBuilder.forBundle(readHello(temp.resolve("bundle-k"))).runtimes(RealParts.runtimeStore())
                .profile(KernelProfile.linux(kernel)).build(store());

        assertThat(other.manifest().kernelDigest()).isEqualTo(Digests.of(new byte[] {1, 2, 3}));
        assertThat(other.digest()).isNotEqualTo(hello.digest());
    }

    @Test
    void testBuild_injectedEnosysIsAnotherImageWhoseInitFailsTheSyscalls() throws IOException {
        ImageStore store = store();
        List<String> log = new ArrayList<>();
        Image traced = builder(readHello(temp.resolve("bundle-t"))).trace(TraceOptions.HOST_STRACE).build(store);
        Image injected = builder(readHello(temp.resolve("bundle-i")))
                .trace(TraceOptions.of(TraceOptions.HOST_STRACE).failingWithEnosys(List.of("mknodat")))
                .log(log::add).build(store);

        assertThat(injected.digest()).isNotEqualTo(traced.digest());
        assertThat(injected.manifest().initrd()).isNotEqualTo(traced.manifest().initrd());
        assertThat(entry(readInitrd(injected.initrd()), "init").text())
                .contains("/usr/bin/strace -D -f -q -C -e signal=none -e inject=mknodat:error=ENOSYS -o /tmp/unifarm.strace ");
        assertThat(entry(readInitrd(traced.initrd()), "init").text()).doesNotContain("inject");
        assertThat(log).anySatisfy(line -> assertThat(line).startsWith("trace: strace fails mknodat with ENOSYS"));
    }

    @Test
    void testBuild_missingKernelIsRefused() {
        ImageBuilder builder = ImageBuilder.forBundle(readHello(temp.resolve("bundle-m"))).runtimes(RealParts.runtimeStore())
                .profile(KernelProfile.linux(temp.resolve("no-such-vmlinuz")));

        assertThat(buildFails("kernel-missing", builder).getMessage()).contains("no-such-vmlinuz").contains("scripts/provision");
    }

    private static ImageBuilder builder(Bundle bundle) {
        return ImageBuilder.forBundle(bundle)
                .runtimes(RealParts.runtimeStore())
                .profile(KernelProfile.linux(RealParts.linuxKernel()));
    }

    private static Bundle readHello(Path target) {
        return new BundleReader().read(RealParts.sample("hello"), target, Optional.empty());
    }

    private ImageStore store() {
        return new ImageStore(temp.resolve("store"));
    }

    private ImagerException buildFails(ImageBuilder builder) {
        return buildFails("invalid-spec", builder);
    }

    /** The build fails with {@code type} and stores nothing. */
    private ImagerException buildFails(String type, ImageBuilder builder) {
        ImageStore store = store();
        ImagerException e = failure(type, () -> builder.build(store));
        assertThat(temp.resolve("store/blobs")).doesNotExist();
        return e;
    }

    /** Every entry of a newc initrd by name, in archive order. */
    private static Map<String, InitrdEntry> readInitrd(Path initrd) throws IOException {
        Map<String, InitrdEntry> entries = new LinkedHashMap<>();
        try (InputStream file = new BufferedInputStream(Files.newInputStream(initrd));
                CpioArchiveInputStream cpio = new CpioArchiveInputStream(file)) {
            for (CpioArchiveEntry header = cpio.getNextEntry(); header != null; header = cpio.getNextEntry()) {
                InitrdEntry previous = entries.put(header.getName(), new InitrdEntry(header, cpio.readAllBytes()));
                assertThat(previous).as("%s appears twice", header.getName()).isNull();
            }
        }
        return entries;
    }

    private static InitrdEntry entry(Map<String, InitrdEntry> initrd, String name) {
        assertThat(initrd).containsKey(name);
        return initrd.get(name);
    }

    private static void assertCharDevice(String name, int major, int minor) {
        CpioArchiveEntry device = entry(helloInitrd, name).header();
        assertThat(device.isCharacterDevice()).as("%s is a char device", name).isTrue();
        assertThat(device.getRemoteDeviceMaj()).as("%s major", name).isEqualTo(major);
        assertThat(device.getRemoteDeviceMin()).as("%s minor", name).isEqualTo(minor);
        assertThat(device.getMode() & 07777).isEqualTo(0666);
    }

    private static void assertSymlink(Map<String, InitrdEntry> initrd, String name, String target) {
        InitrdEntry link = entry(initrd, name);
        assertThat(link.header().isSymbolicLink()).as("%s is a symlink", name).isTrue();
        assertThat(link.text()).isEqualTo(target);
    }

    private static int indexOfStackLine(List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).endsWith("[stack]")) {
                return i;
            }
        }
        return -1;
    }
}
