package dev.unifarm.imager.rootfs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unifarm.imager.model.DotnetRuntime;
import dev.unifarm.imager.model.KernelProfile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class PortEnvTest {

    private static final KernelProfile LINUX = KernelProfile.linux(Path.of("/k/vmlinuz"));
    private static final KernelProfile UNIKRAFT = KernelProfile.unikraftElfloader("unikraft-elfloader",
            new KernelProfile.KernelLocation.File(Path.of("/k/kernel")), KernelProfile.Delivery.INITRD);

    private final List<String> log = new ArrayList<>();

    @Test
    void testAddTo_setsPortAndAspnetcoreUrls() {
        Map<String, String> env = new TreeMap<>(DotnetRuntime.RUNTIME_ENV);

        PortEnv.addTo(env, 9090, LINUX, log::add);

        assertThat(env).containsEntry("PORT", "9090").containsEntry("ASPNETCORE_URLS", "http://+:9090");
        assertThat(log).containsExactly("port: the app's env has PORT=9090 ASPNETCORE_URLS=http://+:9090"
                + " (spec.env or a start's env can set them otherwise)");
    }

    @Test
    void testAddTo_theSpecsOwnValueWins() {
        Map<String, String> env = new TreeMap<>(Map.of("ASPNETCORE_URLS", "http://+:5000"));

        PortEnv.addTo(env, 9090, LINUX, log::add);

        assertThat(env).containsEntry("PORT", "9090").containsEntry("ASPNETCORE_URLS", "http://+:5000");
    }

    @Test
    void testAddTo_bothSetBySpecLeavesEnvAlone() {
        Map<String, String> env = new TreeMap<>(Map.of("PORT", "1", "ASPNETCORE_URLS", "http://+:1"));

        PortEnv.addTo(env, 9090, LINUX, log::add);

        assertThat(env).containsOnly(Map.entry("PORT", "1"), Map.entry("ASPNETCORE_URLS", "http://+:1"));
        assertThat(log).containsExactly("port: spec.env sets PORT and ASPNETCORE_URLS itself");
    }

    @Test
    void testAddTo_noRoomOnAUnikraftProfileSaysSoInsteadOfFailingTheBuild() {
        Map<String, String> env = new TreeMap<>(DotnetRuntime.RUNTIME_ENV);
        for (int i = env.size(); i < UNIKRAFT.maxEnv() - 1; i++) {
            env.put("V" + i, "x");
        }
        Map<String, String> before = new TreeMap<>(env);

        PortEnv.addTo(env, 9090, UNIKRAFT, log::add);

        assertThat(env).isEqualTo(before);
        assertThat(log).singleElement().asString().contains("PORT and ASPNETCORE_URLS not set", "at most 8 env entries");
    }
}
