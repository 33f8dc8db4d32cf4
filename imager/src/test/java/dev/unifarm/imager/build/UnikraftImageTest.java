package dev.unifarm.imager.build;

import static dev.unifarm.imager.ImagerFailures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.unifarm.imager.RealParts;
import dev.unifarm.imager.bundle.Bundle;
import dev.unifarm.imager.bundle.BundleReader;
import dev.unifarm.imager.kernel.KernelCommandLine;
import dev.unifarm.imager.model.Digests;
import dev.unifarm.imager.model.Image;
import dev.unifarm.imager.model.ImageManifest;
import dev.unifarm.imager.model.ImagerException;
import dev.unifarm.imager.model.KernelProfile.Delivery;
import dev.unifarm.imager.model.KernelProfile.KernelLocation;
import dev.unifarm.imager.model.KernelProfile.StackSource;
import dev.unifarm.imager.model.KernelProfile;
import dev.unifarm.imager.model.StackCalibration;
import dev.unifarm.imager.model.StackRange;
import dev.unifarm.imager.store.ImageStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds the hello sample on the real CoreCLR 2.0.0 runtime for app-elfloader profiles. There is no
 * Unikraft kernel here, so the kernel is a stand-in file: these tests check the image, not a boot.
 */
class UnikraftImageTest {

    private static final String RECORDED_LINE = "vfs.fstab=[ \"fs0:/:9pfs\" ] env.vars=[ COMPlus_EnableDiagnostics=0"
            + " DOTNET_EnableDiagnostics=0 DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 ]"
            + " -- /lib64/ld-linux-x86-64.so.2 /usr/share/dotnet/dotnet /app/hello.dll";

    @TempDir
    static Path shared;
    private static Path kernel;
    private static ImageStore ninePStore;
    private static Image nineP;
    private static final List<String> ninePLog = new ArrayList<>();

    @TempDir
    Path temp;

    @BeforeAll
    static void buildHelloOn9pfs() throws IOException {
        kernel = Files.write(shared.resolve("elfloader_qemu-x86_64"), new byte[] {0x7f, 'E', 'L', 'F'});
        ninePStore = new ImageStore(shared.resolve("store"));
        nineP = builder(readHello(shared.resolve("bundle")), profile(Delivery.NINE_P)).log(ninePLog::add).build(ninePStore);
    }

    @Test
    void testBuild9pfs_commandLineLoaderHostDll() {
        assertThat(KernelCommandLine.of(nineP.manifest())).isEqualTo(RECORDED_LINE);
    }

    @Test
    void testBuild9pfs_instanceOverridesKeepTheFormat() {
        String line = KernelCommandLine.of(nineP.manifest(), List.of("x", "two words"), Map.of("GREETING", "hi"));

        assertThat(line).isEqualTo("vfs.fstab=[ \"fs0:/:9pfs\" ] env.vars=[ COMPlus_EnableDiagnostics=0"
                + " DOTNET_EnableDiagnostics=0 DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 GREETING=hi ]"
                + " -- /lib64/ld-linux-x86-64.so.2 /usr/share/dotnet/dotnet /app/hello.dll x \"two words\"");
    }

    @Test
    void testManifest_recordsProfileDeliveryAndStackSource() {
        ImageManifest manifest = nineP.manifest();

        assertThat(manifest.profile()).isEqualTo("unikraft-elfloader-9pfs");
        assertThat(manifest.kernel()).isEqualTo(kernel.toString());
        assertThat(manifest.boot()).isEqualTo(new ImageManifest.Boot("9pfs", "unikraft", "unifarm-compat", "/lib64/ld-linux-x86-64.so.2", 8,
                new ImageManifest.Stack("0x400040000", "0x400060000", "configured")));
    }

    @Test
    void testManifest_canonicalJsonCarriesBoot() {
        String json = new String(ImageStore.canonicalJson(nineP.manifest()), java.nio.charset.StandardCharsets.UTF_8);

        assertThat(json).contains("\"boot\":{\"commandLine\":\"unikraft\",\"delivery\":\"9pfs\",\"exit\":\"unifarm-compat\","
                + "\"loader\":\"/lib64/ld-linux-x86-64.so.2\",\"maxEnv\":8,"
                + "\"stack\":{\"end\":\"0x400060000\",\"source\":\"configured\",\"start\":\"0x400040000\"}}");
    }

    @Test
    void testBuild9pfs_treeInStoreNoInitrdBlob() {
        assertThat(nineP.initrd()).isEqualTo(ninePStore.treePath(nineP.manifest().initrd())).isDirectory();
        assertThat(nineP.initrd().getParent().getFileName()).hasToString("trees");
        assertThat(ninePStore.blobPath(nineP.manifest().initrd())).doesNotExist();
        assertThat(nineP.initrd().resolveSibling("..").resolve("tmp")).isEmptyDirectory();
    }

    @Test
    void testBuild9pfs_treeNamedByItsInitrdTwinsDigest() throws IOException {
        Image twin = builder(readHello(temp.resolve("bundle")), profile(Delivery.INITRD).withNonPieViaInterpreter(false))
                .build(new ImageStore(temp.resolve("store")));

        assertThat(twin.manifest().initrd()).isEqualTo(nineP.manifest().initrd());
        assertThat(Digests.of(twin.initrd())).isEqualTo(nineP.manifest().initrd());
        assertThat(twin.manifest().sizes().get("initrd")).isEqualTo(nineP.manifest().sizes().get("initrd"));
    }

    @Test
    void testTree_filesLinksAndProcStandIns() throws IOException {
        Path tree = nineP.initrd();

        assertThat(Files.mismatch(tree.resolve("app/hello.dll"), RealParts.sampleDir("hello").resolve("hello.dll"))).isEqualTo(-1L);
        assertThat(tree.resolve("usr/share/dotnet/dotnet")).isExecutable();
        assertThat(tree.resolve("lib64/ld-linux-x86-64.so.2")).isRegularFile();
        assertThat(Files.readSymbolicLink(tree.resolve("proc/self"))).hasToString("1");
        assertThat(Files.readSymbolicLink(tree.resolve("proc/1/exe"))).hasToString("/usr/share/dotnet/dotnet");
        assertThat(tree.resolve("proc/1/maps")).hasContent(KernelProfile.ELFLOADER_STACK.mapsFile());
        assertThat(tree.resolve("tmp")).isDirectory();
        assertThat(Files.getLastModifiedTime(tree.resolve("app/hello.dll")).toMillis()).isEqualTo(1000L);
    }

    @Test
    void testTree_deviceNodesLeftOutAndNoted() {
        assertThat(nineP.initrd().resolve("dev")).isDirectory();
        assertThat(nineP.initrd().resolve("dev/zero")).doesNotExist();
        assertThat(Files.exists(nineP.initrd().resolve("dev/null"), LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(ninePLog).anySatisfy(line -> assertThat(line).startsWith("note: the 9pfs tree has no device nodes")
                .contains("/dev/zero (1,5)"));
    }

    @Test
    void testBuild_logsLoaderAndTree() {
        assertThat(ninePLog).anySatisfy(line -> assertThat(line).isEqualTo("host: /usr/share/dotnet/dotnet is not"
                + " position-independent (ET_EXEC): started through /lib64/ld-linux-x86-64.so.2"));
        assertThat(ninePLog).anySatisfy(line -> assertThat(line).startsWith("9pfs tree: " + nineP.manifest().initrd()));
        assertThat(ninePLog).noneSatisfy(line -> assertThat(line).startsWith("initrd: "));
    }

    @Test
    void testBuild9pfs_againReusesTree() throws IOException {
        List<String> log = new ArrayList<>();
        Image again = builder(readHello(temp.resolve("bundle")), profile(Delivery.NINE_P)).log(log::add).build(ninePStore);

        assertThat(again.digest()).isEqualTo(nineP.digest());
        assertThat(log).contains("9pfs tree: " + nineP.manifest().initrd() + " (already in the store)");
    }

    @Test
    void testStore_9pfsImageReadsBackWithTree() {
        Optional<Image> stored = ninePStore.image(nineP.digest());

        assertThat(stored).contains(nineP);
        assertThat(stored.orElseThrow().initrd()).isDirectory();
    }

    @Test
    void testBuild_initrdWithNonPieHostRefused() {
        ImageBuilder builder = builder(readHello(temp.resolve("bundle")), profile(Delivery.INITRD));

        ImagerException e = failure("profile-mismatch", () -> builder.build(new ImageStore(temp.resolve("store"))));

        assertThat(e.getMessage()).contains("ET_EXEC").contains("9pfs").contains("unikraft-elfloader");
        assertThat(temp.resolve("store/blobs")).doesNotExist();
        assertThat(temp.resolve("store/trees")).doesNotExist();
    }

    @Test
    void testBuild_malformedOciKernelReferenceRefused() {
        KernelProfile oci = KernelProfile.unikraftElfloader("unikraft-oci", new KernelLocation.Oci("base latest"),
                Delivery.NINE_P);
        ImageBuilder builder = builder(readHello(temp.resolve("bundle")), oci);

        ImagerException e = failure("kernel-reference", () -> builder.build(new ImageStore(temp.resolve("store"))));

        assertThat(e.getMessage()).contains("base latest").contains("repository@sha256");
        assertThat(temp.resolve("store/trees")).doesNotExist();
    }

    @Test
    void testBuild_moreEnvThanUnikraftCarriesRefused() {
        Map<String, String> env = new TreeMap<>();
        for (int i = 0; i < 6; i++) {
            env.put("VAR_" + i, "v");
        }
        ImageBuilder builder = builder(readHello(temp.resolve("bundle")), profile(Delivery.NINE_P)).env(env);

        ImagerException e = failure("invalid-spec", () -> builder.build(new ImageStore(temp.resolve("store"))));

        assertThat(e.getMessage()).contains("at most 8");
    }

    @Test
    void testBuild_calibratedStackInMapsAndManifest() throws IOException {
        StackRange calibrated = StackCalibration.fromConsoleLog(RealParts.fixture("unikraft/dotnet-9p-ok.log"));
        KernelProfile profile = profile(Delivery.NINE_P).withStack(calibrated, StackSource.CALIBRATED);

        Image image = builder(readHello(temp.resolve("bundle")), profile).build(new ImageStore(temp.resolve("store")));

        assertThat(image.manifest().boot().stack()).isEqualTo(new ImageManifest.Stack("0x400040000", "0x400061000", "calibrated"));
        assertThat(image.initrd().resolve("proc/1/maps")).hasContent(calibrated.mapsFile());
        assertThat(image.manifest().initrd()).isNotEqualTo(nineP.manifest().initrd());
    }

    private static KernelProfile profile(Delivery delivery) {
        String name = delivery == Delivery.NINE_P ? "unikraft-elfloader-9pfs" : "unikraft-elfloader";
        return KernelProfile.unikraftElfloader(name, new KernelLocation.File(kernel), delivery);
    }

    private static ImageBuilder builder(Bundle bundle, KernelProfile profile) {
        return ImageBuilder.forBundle(bundle).runtimes(RealParts.runtimeStore()).profile(profile);
    }

    private static Bundle readHello(Path target) {
        return new BundleReader().read(RealParts.sample("hello"), target, Optional.empty());
    }
}
