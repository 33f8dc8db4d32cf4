package dev.unifarm.imager;

import static dev.unifarm.imager.ImagerFailures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuntimeStoreTest {

    private static final String FRAMEWORK = RealParts.FRAMEWORK;

    @TempDir
    Path temp;

    @Test
    void testPick_latestPatchOfSameMinor() {
        assertThat(pick("2.0.0", "2.0.0", "2.0.7", "2.1.3", "2.2.0", "3.0.0")).contains(v("2.0.7"));
    }

    @Test
    void testPick_rollsForwardToLowestHigherMinorThenItsLatestPatch() {
        assertThat(pick("2.0.9", "2.0.7", "2.1.3", "2.1.5")).contains(v("2.1.5"));
    }

    @Test
    void testPick_neverRollsForwardToAnotherMajor() {
        assertThat(pick("2.3.0", "2.1.0", "3.0.0")).isEmpty();
    }

    @Test
    void testPick_olderPatchDoesNotSatisfy() {
        assertThat(pick("2.0.5", "2.0.3")).isEmpty();
    }

    @Test
    void testResolve_realStoreFinds200() {
        RuntimeStore store = RealParts.runtimeStore();

        DotnetRuntime runtime = store.resolve(FRAMEWORK, "2.0.0");

        assertThat(runtime.framework()).isEqualTo(FRAMEWORK);
        assertThat(runtime.version()).isEqualTo(v("2.0.0"));
        assertThat(runtime.root()).isEqualTo(store.dir().resolve(FRAMEWORK).resolve("2.0.0"));
        assertThat(runtime.host()).isRegularFile();
        assertThat(runtime.hostfxr()).isRegularFile().hasFileName("libhostfxr.so");
        assertThat(runtime.frameworkDir().resolve("libcoreclr.so")).isRegularFile();
    }

    @Test
    void testResolve_unknownVersion() {
        RuntimeStore store = RealParts.runtimeStore();

        ImagerException e = failure("runtime-not-found", () -> store.resolve(FRAMEWORK, "9.0.0"));

        assertThat(e.getMessage()).contains("9.0.0").contains("2.0.0").contains(FRAMEWORK);
    }

    @Test
    void testResolve_unknownFramework() {
        RuntimeStore store = RealParts.runtimeStore();

        ImagerException e = failure("runtime-not-found", () -> store.resolve("Microsoft.AspNetCore.App", "2.0.0"));

        assertThat(e.getMessage()).contains("Microsoft.AspNetCore.App").contains("none");
    }

    @Test
    void testResolve_versionNotMajorMinorPatch() {
        RuntimeStore store = RealParts.runtimeStore();

        ImagerException e = failure("invalid-bundle", () -> store.resolve(FRAMEWORK, "2.0.0-preview1"));

        assertThat(e.getMessage()).contains("2.0.0-preview1");
    }

    @Test
    void testInstalled_sortedAndIgnoresPartialInstalls() throws IOException {
        for (String dir : List.of("2.1.3", "2.0.10", "2.0.7", ".2.0.1.tmp.123", "README")) {
            Files.createDirectories(temp.resolve(FRAMEWORK).resolve(dir));
            Files.writeString(temp.resolve(FRAMEWORK).resolve(dir).resolve("dotnet"), "host");
        }
        Files.createDirectories(temp.resolve(FRAMEWORK).resolve("2.2.0")); // no host: not installed

        List<RuntimeVersion> installed = new RuntimeStore(temp).installed(FRAMEWORK);

        assertThat(installed).containsExactly(v("2.0.7"), v("2.0.10"), v("2.1.3"));
    }

    @Test
    void testInstalled_missingFrameworkIsEmpty() {
        assertThat(new RuntimeStore(temp).installed(FRAMEWORK)).isEmpty();
    }

    private static Optional<RuntimeVersion> pick(String wanted, String... installed) {
        return RuntimeStore.pick(v(wanted), Arrays.stream(installed).map(RuntimeStoreTest::v).toList());
    }

    private static RuntimeVersion v(String text) {
        return RuntimeVersion.parse(text);
    }
}
