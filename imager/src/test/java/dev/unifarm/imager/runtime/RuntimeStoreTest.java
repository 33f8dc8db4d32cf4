package dev.unifarm.imager.runtime;

import static dev.unifarm.imager.ImagerFailures.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.unifarm.imager.RealParts;
import dev.unifarm.imager.bundle.RuntimeConfig;
import dev.unifarm.imager.model.DotnetRuntime;
import dev.unifarm.imager.model.ImagerException;
import dev.unifarm.imager.model.RollForward;
import dev.unifarm.imager.model.RuntimeVersion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Roll-forward through {@link RuntimeStore} on real directory layouts: each case lays out the installed
 * versions in a fresh store (one dotnet root per version, with a {@code dotnet} file) and resolves a
 * request under a policy, as .NET's host does for release versions.
 */
class RuntimeStoreTest {

    private static final String FRAMEWORK = RealParts.FRAMEWORK;
    /** No match: the store must refuse with runtime-not-found. */
    private static final String NONE = "none";
    private static final String SEVERAL = "2.0.0 2.0.5 2.1.0 2.1.7 2.2.3 3.0.0 3.0.4 3.1.0";

    @TempDir
    Path temp;

    /** installed versions × requested × policy → expected pick ({@code none}: no match). */
    static Stream<Arguments> rollForwardTable() {
        return Stream.of(
                // exact only present: every policy takes it
                row("2.0.0", "2.0.0", "Disable", "2.0.0"),
                row("2.0.0", "2.0.0", "LatestPatch", "2.0.0"),
                row("2.0.0", "2.0.0", "Minor", "2.0.0"),
                row("2.0.0", "2.0.0", "LatestMinor", "2.0.0"),
                row("2.0.0", "2.0.0", "Major", "2.0.0"),
                row("2.0.0", "2.0.0", "LatestMajor", "2.0.0"),
                // only a higher patch: all but Disable roll to it
                row("2.0.3", "2.0.0", "Disable", NONE),
                row("2.0.3", "2.0.0", "LatestPatch", "2.0.3"),
                row("2.0.3", "2.0.0", "Minor", "2.0.3"),
                row("2.0.3", "2.0.0", "LatestMinor", "2.0.3"),
                row("2.0.3", "2.0.0", "Major", "2.0.3"),
                row("2.0.3", "2.0.0", "LatestMajor", "2.0.3"),
                // only a higher minor: LatestPatch stays inside 2.0
                row("2.1.0", "2.0.0", "Disable", NONE),
                row("2.1.0", "2.0.0", "LatestPatch", NONE),
                row("2.1.0", "2.0.0", "Minor", "2.1.0"),
                row("2.1.0", "2.0.0", "LatestMinor", "2.1.0"),
                row("2.1.0", "2.0.0", "Major", "2.1.0"),
                row("2.1.0", "2.0.0", "LatestMajor", "2.1.0"),
                // only a higher major: only Major and LatestMajor cross majors
                row("3.0.1", "2.0.0", "Disable", NONE),
                row("3.0.1", "2.0.0", "LatestPatch", NONE),
                row("3.0.1", "2.0.0", "Minor", NONE),
                row("3.0.1", "2.0.0", "LatestMinor", NONE),
                row("3.0.1", "2.0.0", "Major", "3.0.1"),
                row("3.0.1", "2.0.0", "LatestMajor", "3.0.1"),
                // several candidates, requested minor present with a higher patch: closest vs latest
                row(SEVERAL, "2.0.1", "Disable", NONE),
                row(SEVERAL, "2.0.1", "LatestPatch", "2.0.5"),
                row(SEVERAL, "2.0.1", "Minor", "2.0.5"),
                row(SEVERAL, "2.0.1", "LatestMinor", "2.2.3"),
                row(SEVERAL, "2.0.1", "Major", "2.0.5"),
                row(SEVERAL, "2.0.1", "LatestMajor", "3.1.0"),
                // several candidates, no patch of 2.0 high enough: lowest higher minor then its latest patch
                row(SEVERAL, "2.0.6", "LatestPatch", NONE),
                row(SEVERAL, "2.0.6", "Minor", "2.1.7"),
                row(SEVERAL, "2.0.6", "LatestMinor", "2.2.3"),
                row(SEVERAL, "2.0.6", "Major", "2.1.7"),
                row(SEVERAL, "2.0.6", "LatestMajor", "3.1.0"),
                // several candidates, requested above every 2.x: Major takes the lowest higher major, lowest minor, latest patch
                row(SEVERAL, "2.3.0", "Minor", NONE),
                row(SEVERAL, "2.3.0", "LatestMinor", NONE),
                row(SEVERAL, "2.3.0", "Major", "3.0.4"),
                row(SEVERAL, "2.3.0", "LatestMajor", "3.1.0"),
                // requested higher than everything installed: nothing rolls backwards
                row(SEVERAL, "4.0.0", "Disable", NONE),
                row(SEVERAL, "4.0.0", "LatestPatch", NONE),
                row(SEVERAL, "4.0.0", "Minor", NONE),
                row(SEVERAL, "4.0.0", "LatestMinor", NONE),
                row(SEVERAL, "4.0.0", "Major", NONE),
                row(SEVERAL, "4.0.0", "LatestMajor", NONE),
                // Disable misses a patch-only difference, and ignores higher patches when the exact one is there
                row("2.0.1", "2.0.0", "Disable", NONE),
                row("2.0.0 2.0.1", "2.0.0", "Disable", "2.0.0"),
                row("2.0.0 2.0.1", "2.0.0", "LatestPatch", "2.0.1"),
                // an older patch or minor never satisfies
                row("2.0.3", "2.0.5", "LatestMajor", NONE),
                row("2.0.9 2.2.0", "2.1.0", "Minor", "2.2.0"),
                // numeric, not textual, order
                row("2.0.9 2.0.10", "2.0.0", "Minor", "2.0.10"),
                row("2.9.0 2.10.0", "2.0.0", "LatestMinor", "2.10.0"));
    }

    @ParameterizedTest(name = "[{0}] asked {1} under {2} -> {3}")
    @MethodSource("rollForwardTable")
    void testResolve_rollForwardTable(String installed, String requested, String policy, String expected) throws IOException {
        RuntimeStore store = storeWith(temp, installed.split(" "));

        if (expected.equals(NONE)) {
            ImagerException e = failure("runtime-not-found",
                    () -> store.resolve(FRAMEWORK, requested, RollForward.fromName(policy).orElseThrow()));
            assertThat(e.getMessage()).contains(FRAMEWORK).contains(requested).contains(policy)
                    .contains(installed.split(" ")[0]);
        } else {
            DotnetRuntime runtime = store.resolve(FRAMEWORK, requested, RollForward.fromName(policy).orElseThrow());
            assertThat(runtime.version()).isEqualTo(v(expected));
            assertThat(runtime.root()).isEqualTo(temp.resolve(FRAMEWORK).resolve(expected));
        }
    }

    @ParameterizedTest(name = "[{0}] asked {1} under {2} with applyPatches false -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            2.0.0 2.0.3 2.0.4 2.1.0 2.1.5 | 2.0.0 | LatestPatch | 2.0.0
            2.0.3 2.0.4                   | 2.0.1 | LatestPatch | none
            2.0.0 2.0.3 2.0.4 2.1.0 2.1.5 | 2.0.1 | Minor       | 2.0.3
            2.0.0 2.0.3 2.0.4 2.1.0 2.1.5 | 2.0.5 | Minor       | 2.1.0
            2.0.0 2.0.3 2.0.4 2.1.0 2.1.5 | 2.0.0 | LatestMinor | 2.1.5
            2.0.0 2.0.3 2.0.4 2.1.0 2.1.5 | 1.0.0 | Major       | 2.0.0
            2.0.1                         | 2.0.0 | Disable     | none
            """)
    void testResolve_applyPatchesFalseStopsAtTheClosestVersion(String installed, String requested, String policy, String expected)
            throws IOException {
        RuntimeStore store = storeWith(temp, installed.split(" "));
        RollForward rollForward = RollForward.fromName(policy).orElseThrow();

        if (expected.equals(NONE)) {
            ImagerException e = failure("runtime-not-found", () -> store.resolve(FRAMEWORK, requested, rollForward, false));
            assertThat(e.getMessage()).contains("applyPatches false");
        } else {
            assertThat(store.resolve(FRAMEWORK, requested, rollForward, false).version()).isEqualTo(v(expected));
        }
    }

    @ParameterizedTest
    @CsvSource({"Disable, DISABLE", "latestpatch, LATEST_PATCH", "MINOR, MINOR", "latestMinor, LATEST_MINOR",
            "major, MAJOR", "LATESTMAJOR, LATEST_MAJOR"})
    void testFromName_caseInsensitiveAsTheHost(String name, RollForward expected) {
        assertThat(RollForward.fromName(name)).contains(expected);
    }

    @ParameterizedTest
    @CsvSource(value = {"Latest", "'Minor '", "LatestPatches", "''", "NULL"}, nullValues = "NULL")
    void testFromName_unknownNamesAreEmpty(String name) {
        assertThat(RollForward.fromName(name)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"0, LATEST_PATCH", "1, MINOR", "2, MAJOR"})
    void testFromRollForwardOnNoCandidateFx_mapsAsTheHost(int value, RollForward expected) {
        assertThat(RollForward.fromRollForwardOnNoCandidateFx(value)).contains(expected);
    }

    @Test
    void testFromRollForwardOnNoCandidateFx_otherValuesAreEmpty() {
        assertThat(RollForward.fromRollForwardOnNoCandidateFx(3)).isEmpty();
        assertThat(RollForward.fromRollForwardOnNoCandidateFx(-1)).isEmpty();
    }

    @Test
    void testResolve_defaultPolicyIsMinor() throws IOException {
        RuntimeStore store = storeWith(temp, "2.0.0", "2.0.7", "2.1.3", "3.0.0");

        assertThat(store.resolve(FRAMEWORK, "2.0.0").version()).isEqualTo(v("2.0.7"));
        assertThat(store.resolve(FRAMEWORK, "2.0.8").version()).isEqualTo(v("2.1.3"));
        assertThat(RollForward.DEFAULT).isEqualTo(RollForward.MINOR);
    }

    /** The provisioned CoreCLR: a runtimeconfig asking 2.0.0 resolves to it under every policy. */
    @ParameterizedTest
    @EnumSource(RollForward.class)
    void testResolve_realStoreRuntimeconfigAsking200ResolvesTo200(RollForward policy) {
        RuntimeConfig config = runtimeConfig("2.0.0", policy.displayName());

        DotnetRuntime runtime = resolveAsTheBuildDoes(RealParts.runtimeStore(), config);

        assertThat(config.rollForwardSettings().policy()).contains(policy);
        assertThat(runtime.version()).isEqualTo(v("2.0.0"));
        assertThat(runtime.frameworkDir().resolve("libcoreclr.so")).isRegularFile();
    }

    @Test
    void testResolve_realStoreAsking110UnderMajorResolvesTo200() {
        DotnetRuntime runtime = resolveAsTheBuildDoes(RealParts.runtimeStore(), runtimeConfig("1.1.0", "Major"));

        assertThat(runtime.version()).isEqualTo(v("2.0.0"));
    }

    @Test
    void testResolve_realStoreAsking110UnderMinorFails() {
        RuntimeConfig config = runtimeConfig("1.1.0", "Minor");

        ImagerException e = failure("runtime-not-found", () -> resolveAsTheBuildDoes(RealParts.runtimeStore(), config));

        assertThat(e.getMessage()).contains(FRAMEWORK + " 1.1.0").contains("roll-forward Minor").contains("2.0.0");
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

    @ParameterizedTest
    @CsvSource({"2.0.0-preview1", "2.0.0+build5", "2.0", "02.0.0", "v2.0.0"})
    void testResolve_versionNotMajorMinorPatchReleaseIsInvalid(String requested) {
        RuntimeStore store = RealParts.runtimeStore();

        ImagerException e = failure("invalid-bundle", () -> store.resolve(FRAMEWORK, requested));

        assertThat(e.getMessage()).contains(requested).contains("pre-release");
    }

    @Test
    void testInstalled_sortedAndIgnoresPartialInstalls() throws IOException {
        RuntimeStore store = storeWith(temp, "2.1.3", "2.0.10", "2.0.7", ".2.0.1.tmp.123", ".install-123", "README",
                "2.1.0-preview1");
        Files.createDirectories(temp.resolve(FRAMEWORK).resolve("2.2.0")); // no host: not installed

        assertThat(store.installed(FRAMEWORK)).containsExactly(v("2.0.7"), v("2.0.10"), v("2.1.3"));
    }

    @Test
    void testInstalled_missingFrameworkIsEmpty() {
        assertThat(new RuntimeStore(temp).installed(FRAMEWORK)).isEmpty();
    }

    @Test
    void testInstalled_readOnlyDirsAddTheirVersionsAndTheOwnDirWins() throws IOException {
        Path own = temp.resolve("own");
        Path shared = temp.resolve("shared");
        storeWith(own, "2.0.9");
        storeWith(shared, "2.0.0", "2.0.9");
        RuntimeStore store = new RuntimeStore(own, List.of(shared));

        assertThat(store.installed(FRAMEWORK)).containsExactly(v("2.0.0"), v("2.0.9"));
        assertThat(store.resolve(FRAMEWORK, "2.0.0", RollForward.DISABLE).root()).isEqualTo(shared.resolve(FRAMEWORK).resolve("2.0.0"));
        assertThat(store.resolve(FRAMEWORK, "2.0.0").root()).isEqualTo(own.resolve(FRAMEWORK).resolve("2.0.9"));
        assertThat(store.installPath(FRAMEWORK, v("2.0.10"))).isEqualTo(own.resolve(FRAMEWORK).resolve("2.0.10"));
    }

    /** A store whose framework dir holds one dotnet root (a dir with a {@code dotnet} file) per name. */
    static RuntimeStore storeWith(Path dir, String... versions) throws IOException {
        for (String version : versions) {
            Path root = Files.createDirectories(dir.resolve(FRAMEWORK).resolve(version));
            Files.writeString(root.resolve("dotnet"), "host");
        }
        return new RuntimeStore(dir);
    }

    /** What ImageBuilder does with a runtimeconfig and no spec policy. */
    private static DotnetRuntime resolveAsTheBuildDoes(RuntimeStore store, RuntimeConfig config) {
        RuntimeConfig.RollForwardSettings settings = config.rollForwardSettings();
        return store.resolve(config.frameworkName(), config.frameworkVersion(),
                settings.policy().orElse(RollForward.DEFAULT), settings.applyPatches());
    }

    private static RuntimeConfig runtimeConfig(String version, String rollForward) {
        String json = """
                {"runtimeOptions": {"tfm": "netcoreapp2.0", "rollForward": "%s",
                  "framework": {"name": "Microsoft.NETCore.App", "version": "%s"}}}""".formatted(rollForward, version);
        return RuntimeConfig.parse("app.runtimeconfig.json", json.getBytes(StandardCharsets.UTF_8));
    }

    private static Arguments row(String installed, String requested, String policy, String expected) {
        return arguments(installed, requested, policy, expected);
    }

    private static RuntimeVersion v(String text) {
        return RuntimeVersion.parse(text);
    }

    @Test
    void testNames_areTheSixDotnetSpellings() {
        assertThat(RollForward.names()).containsExactly("Disable", "LatestPatch", "Minor", "LatestMinor", "Major", "LatestMajor");
        assertThat(Arrays.stream(RollForward.values()).map(RollForward::toString)).containsExactlyElementsOf(RollForward.names());
    }
}
