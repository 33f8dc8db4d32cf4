package dev.unifarm.imager.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unifarm.imager.ImagerFailures;
import dev.unifarm.imager.RealParts;
import dev.unifarm.imager.bundle.Bundle;
import dev.unifarm.imager.bundle.BundleReader;
import dev.unifarm.imager.bundle.RuntimeConfig;
import dev.unifarm.imager.kernel.KernelCommandLine;
import dev.unifarm.imager.model.Image;
import dev.unifarm.imager.model.ImagerException;
import dev.unifarm.imager.model.KernelProfile;
import dev.unifarm.imager.store.ImageStore;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A self-contained bundle runs on the runtime it carries: no store runtime in the image. */
class SelfContainedImageTest {

    @TempDir
    Path temp;

    @Test
    void testBuild_selfContainedRunsItsOwnHost() throws IOException {
        Bundle bundle = new BundleReader().read(RealParts.sample("hello-self-contained"), temp.resolve("bundle"), Optional.empty());
        Image image = ImageBuilder.forBundle(bundle).runtimes(RealParts.runtimeStore())
                .profile(KernelProfile.linux(RealParts.linuxKernel())).build(new ImageStore(temp.resolve("store")));

        Map<String, String> symlinks = new HashMap<>();
        boolean sharedRuntime = false;
        boolean ownCoreclr = false;
        long hostMode = 0;
        String init = null;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(image.initrd()));
                CpioArchiveInputStream cpio = new CpioArchiveInputStream(in)) {
            for (CpioArchiveEntry e = cpio.getNextEntry(); e != null; e = cpio.getNextEntry()) {
                sharedRuntime |= e.getName().startsWith("usr/share/dotnet");
                ownCoreclr |= e.getName().equals("app/libcoreclr.so");
                if (e.getName().equals("app/dotnet")) {
                    hostMode = e.getMode() & 07777;
                }
                if (e.getName().equals("init")) {
                    init = new String(cpio.readAllBytes(), StandardCharsets.UTF_8);
                }
                if (e.isSymbolicLink()) {
                    symlinks.put(e.getName(), new String(cpio.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        }

        assertThat(sharedRuntime).isFalse();
        assertThat(ownCoreclr).isTrue();
        assertThat(Long.toOctalString(hostMode)).isEqualTo("755");
        assertThat(symlinks).containsEntry("proc/1/exe", "/app/dotnet");
        assertThat(image.manifest().runtime()).isEqualTo("self-contained");
        assertThat(KernelCommandLine.of(image.manifest())).contains("rdinit=/init ").endsWith("-- /app/hello.dll");
        assertThat(init).as("/init starts the bundle's own host").endsWith("exec /app/dotnet \"$@\"\n");
    }

    @Test
    void testBuild_noFrameworkAndNoRuntimeIsRefused() {
        Bundle hello = new BundleReader().read(RealParts.sample("hello"), temp.resolve("bundle"), Optional.empty());
        Bundle noFramework = new Bundle(hello.root(), hello.entrypoint(), RuntimeConfig.parse("hello.runtimeconfig.json",
                "{\"runtimeOptions\": {}}".getBytes(StandardCharsets.UTF_8)), hello.files());

        ImagerException e = ImagerFailures.failure("invalid-bundle", () -> ImageBuilder.forBundle(noFramework)
                .runtimes(RealParts.runtimeStore()).profile(KernelProfile.linux(RealParts.linuxKernel()))
                .build(new ImageStore(temp.resolve("store"))));

        assertThat(e.getMessage()).contains("libcoreclr.so").contains("--self-contained");
    }
}
