package dev.unifarm.imager.oci;

import static dev.unifarm.imager.ImagerFailures.failure;
import static dev.unifarm.imager.oci.SameImage.assertSameImage;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unifarm.imager.build.ImageBuilder;
import dev.unifarm.imager.RealParts;
import dev.unifarm.imager.bundle.Bundle;
import dev.unifarm.imager.bundle.BundleReader;
import dev.unifarm.imager.model.Digests;
import dev.unifarm.imager.model.Image;
import dev.unifarm.imager.model.ImageManifest;
import dev.unifarm.imager.model.KernelProfile;
import dev.unifarm.imager.model.OciImage;
import dev.unifarm.imager.store.ImageStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import land.oras.LayoutRef;
import land.oras.OCILayout;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exports a real hello image (real kernel, real CoreCLR initrd) into the store's OCI layout and reads
 * it back the way KraftKit does: index.json, the manifest by its descriptor, the config, then the
 * files at /unikraft/bin/{kernel,initrd} inside the tar layers.
 */
class OciLayoutTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> ARGS = List.of("one", "two");
    private static final Map<String, String> ENV = Map.of("GREETING", "hi");

    @TempDir
    static Path shared;
    private static ImageStore store;
    private static Image hello;
    private static OciImage oci;

    @TempDir
    Path temp;

    @BeforeAll
    static void buildAndExport() {
        store = new ImageStore(shared.resolve("store"));
        hello = build(shared.resolve("bundle"), store);
        oci = new OciLayout(store).export(hello);
    }

    @Test
    void testExport_readsBackTheWayKraftKitDoes() throws IOException {
        Path root = store.dir();
        assertThat(JSON.readTree(root.resolve("oci-layout").toFile()).path("imageLayoutVersion").asText()).isEqualTo("1.0.0");

        JsonNode index = JSON.readTree(root.resolve("index.json").toFile());
        assertThat(index.path("schemaVersion").asInt()).isEqualTo(2);
        assertThat(index.path("mediaType").asText()).isEqualTo("application/vnd.oci.image.index.v1+json");
        JsonNode entry = only(index.path("manifests"));
        assertThat(entry.path("mediaType").asText()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
        assertThat(entry.path("annotations").path("org.opencontainers.image.ref.name").asText()).isEqualTo(hello.digest());
        assertThat(entry.path("platform").path("os").asText()).isEqualTo("qemu");
        assertThat(entry.path("platform").path("architecture").asText()).isEqualTo("x86_64");

        JsonNode manifest = JSON.readTree(blob(entry));
        assertThat(manifest.path("schemaVersion").asInt()).isEqualTo(2);
        assertThat(manifest.path("mediaType").asText()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
        JsonNode configDescriptor = manifest.path("config");
        assertThat(configDescriptor.path("mediaType").asText()).isEqualTo("application/vnd.oci.image.config.v1+json");
        assertThat(configDescriptor.path("platform").path("os").asText()).isEqualTo("qemu");

        JsonNode config = JSON.readTree(blob(configDescriptor));
        assertThat(config.path("os").asText()).isEqualTo("qemu");
        assertThat(config.path("architecture").asText()).isEqualTo("x86_64");
        // what the kernel starts: the linux profile's /init, which execs the host with this argv
        assertThat(strings(config.path("config").path("Cmd")))
                .containsExactly("/init", "/app/hello.dll", "one", "two");
        assertThat(strings(config.path("config").path("Env"))).containsExactly("COMPlus_EnableDiagnostics=0",
                "DOTNET_EnableDiagnostics=0", "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1", "GREETING=hi");
        assertThat(config.path("rootfs").path("type").asText()).isEqualTo("layers");

        Map<String, byte[]> files = new TreeMap<>();
        List<String> diffIds = new ArrayList<>();
        for (JsonNode layer : manifest.path("layers")) {
            assertThat(layer.path("mediaType").asText()).isEqualTo("application/vnd.oci.image.layer.v1.tar");
            files.putAll(untar(blob(layer)));
            diffIds.add(layer.path("digest").asText());
        }
        assertThat(strings(config.path("rootfs").path("diff_ids"))).isEqualTo(diffIds);
        assertThat(files).containsOnlyKeys("unikraft/bin/initrd", "unikraft/bin/kernel");
        assertThat(files.get("unikraft/bin/kernel")).isEqualTo(Files.readAllBytes(RealParts.linuxKernel()));
        assertThat(files.get("unikraft/bin/initrd")).isEqualTo(Files.readAllBytes(hello.initrd()));
    }

    @Test
    void testExport_annotationsOnIndexManifestAndEveryDescriptor() throws IOException {
        JsonNode index = JSON.readTree(store.dir().resolve("index.json").toFile());
        JsonNode entry = only(index.path("manifests"));
        JsonNode manifest = JSON.readTree(blob(entry));
        List<JsonNode> annotated = new ArrayList<>(List.of(index, entry, manifest, manifest.path("config")));
        manifest.path("layers").forEach(annotated::add);

        for (JsonNode node : annotated) {
            assertThat(node.path("annotations").path("sh.kraftkit.version").asText()).as(node.toString()).isEqualTo("0.1.0");
        }
        assertThat(manifest.path("annotations").path("dev.unifarm.image.digest").asText()).isEqualTo(hello.digest());
        assertThat(manifest.path("layers").get(0).path("annotations").path("org.unikraft.kernel.image").asText())
                .isEqualTo("/unikraft/bin/kernel");
        assertThat(manifest.path("layers").get(1).path("annotations").path("org.unikraft.kernel.initrd").asText())
                .isEqualTo("/unikraft/bin/initrd");
    }

    @Test
    void testExport_everyBlobMatchesItsDescriptorDigestAndSize() throws IOException {
        JsonNode entry = only(JSON.readTree(store.dir().resolve("index.json").toFile()).path("manifests"));
        JsonNode manifest = JSON.readTree(blob(entry));
        List<JsonNode> descriptors = new ArrayList<>(List.of(entry, manifest.path("config")));
        manifest.path("layers").forEach(descriptors::add);

        assertThat(descriptors).hasSize(4);
        for (JsonNode descriptor : descriptors) {
            Path blob = store.blobPath(descriptor.path("digest").asText());
            assertThat(Digests.of(blob)).isEqualTo(descriptor.path("digest").asText());
            assertThat(Files.size(blob)).isEqualTo(descriptor.path("size").asLong());
        }
        assertThat(entry.path("digest").asText()).isEqualTo(oci.digest());
    }

    @Test
    void testExport_sameImageSameManifestDigest() {
        OciImage again = new OciLayout(store).export(hello);
        ImageStore other = new ImageStore(temp.resolve("store"));
        OciImage rebuilt = new OciLayout(other).export(build(temp.resolve("bundle"), other));

        assertThat(again).isEqualTo(oci);
        assertThat(rebuilt).isEqualTo(oci);
        assertThat(new OciLayout(store).entries()).containsExactly(oci);
    }

    @Test
    void testExport_againReusesItsLayersWithoutReadingTheFiles() {
        // Same image, but kernel and initrd paths that do not exist: only the layers written before can serve.
        Image filesGone = new Image(hello.digest(), hello.manifest(), temp.resolve("no-initrd"), temp.resolve("no-kernel"));

        assertThat(new OciLayout(store).export(filesGone)).isEqualTo(oci);
        assertThat(store.dir().resolve(OciLayout.LAYER_NOTES)).isDirectoryContaining(note -> Files.isRegularFile(note));
    }

    @Test
    void testLayers_reproducibleTarEntries() throws IOException {
        JsonNode manifest = JSON.readTree(store.blobPath(oci.digest()).toFile());
        for (JsonNode layer : manifest.path("layers")) {
            try (InputStream in = Files.newInputStream(store.blobPath(layer.path("digest").asText()));
                    TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
                TarArchiveEntry entry = tar.getNextEntry();
                assertThat(entry.getName()).startsWith("unikraft/bin/");
                assertThat(entry.getModTime().getTime()).isEqualTo(1000L);
                assertThat(entry.getLongUserId()).isZero();
                assertThat(entry.getLongGroupId()).isZero();
                assertThat(entry.getUserName()).isEmpty();
                assertThat(entry.getGroupName()).isEmpty();
                assertThat(entry.getMode()).isEqualTo(0100644);
                assertThat(entry.isPaxHeader()).isFalse();
                assertThat(entry.getExtraPaxHeaders()).isEmpty();
                assertThat(tar.getNextEntry()).as("one file per layer").isNull();
            }
        }
    }

    @Test
    void testUnpack_restoresImageFromLayersAfterLocalCopyDeleted() throws IOException {
        ImageStore other = new ImageStore(temp.resolve("store"));
        for (OciLayout.Blob blob : new OciLayout(store).references(oci.digest())) {
            copyBlob(blob.digest(), other);
        }
        copyBlob(oci.digest(), other);
        assertThat(other.image(hello.digest())).isEmpty();

        Image unpacked = new OciLayout(other).unpack(oci.digest());

        assertSameImage(unpacked, other, hello, oci);
    }

    @Test
    void testOras_readsTheLayout() {
        OCILayout layout = OCILayout.builder().defaults(store.dir()).build();

        land.oras.Manifest manifest = layout.getManifest(LayoutRef.of(layout, oci.digest()));

        assertThat(manifest.getLayers()).hasSize(2);
        assertThat(manifest.getConfig().getMediaType()).isEqualTo("application/vnd.oci.image.config.v1+json");
        assertThat(manifest.getAnnotations()).containsEntry("sh.kraftkit.version", "0.1.0");
    }

    @Test
    void testExport_refuses9pfsImage() {
        ImageManifest ninePManifest = new ImageManifest(ImageManifest.SCHEMA_VERSION, "unikraft-elfloader-9pfs",
                "/kernels/elfloader", "sha256:" + "0".repeat(64), hello.manifest().initrd(), "/usr/share/dotnet/dotnet",
                "/app/hello.dll", List.of(), new TreeMap<>(), "2.0.0", new TreeMap<>(),
                new ImageManifest.Boot("9pfs", "unikraft", "none", null, 8, new ImageManifest.Stack("0x1000", "0x2000", "configured")));
        Image ninePImage = new Image("sha256:" + "1".repeat(64), ninePManifest, temp.resolve("tree"));

        assertThat(failure("oci-unsupported", () -> new OciLayout(store).export(ninePImage)).getMessage())
                .contains("9pfs", "only initrd images");
    }

    private static Image build(Path bundleDir, ImageStore target) {
        Bundle bundle = new BundleReader().read(RealParts.sample("hello"), bundleDir, Optional.empty());
        return ImageBuilder.forBundle(bundle).runtimes(RealParts.runtimeStore())
                .profile(KernelProfile.linux(RealParts.linuxKernel())).args(ARGS).env(ENV).build(target);
    }

    private void copyBlob(String digest, ImageStore target) throws IOException {
        Path to = target.blobPath(digest);
        Files.createDirectories(to.getParent());
        Files.copy(store.blobPath(digest), to);
    }

    private static byte[] blob(JsonNode descriptor) throws IOException {
        return Files.readAllBytes(store.blobPath(descriptor.path("digest").asText()));
    }

    private static JsonNode only(JsonNode array) {
        assertThat(array.size()).isEqualTo(1);
        return array.get(0);
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    /** Every regular file in a tar layer, by entry name, as an unpacker would see it. */
    private static Map<String, byte[]> untar(byte[] layer) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new java.io.ByteArrayInputStream(layer))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                if (entry.isFile()) {
                    ByteArrayOutputStream content = new ByteArrayOutputStream();
                    tar.transferTo(content);
                    files.put(entry.getName(), content.toByteArray());
                }
            }
        }
        return files;
    }
}
