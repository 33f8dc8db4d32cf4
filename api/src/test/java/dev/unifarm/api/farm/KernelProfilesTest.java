package dev.unifarm.api.farm;

import dev.unifarm.api.testing.FarmClient;
import dev.unifarm.api.testing.StandInKernels;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.file.Path;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.unifarm.api.testing.FarmClient.api;
import static org.assertj.core.api.Assertions.assertThat;


/**
 * An app spec's {@code kernel} picks a configured profile for the build. No Unikraft kernel exists
 * here, so the app-elfloader profiles get a stand-in kernel file: these builds are never booted.
 */
@QuarkusTest
class KernelProfilesTest {

    @BeforeAll
    static void standInKernels() {
        StandInKernels.install("unikraft-elfloader", "unikraft-elfloader-9pfs");
    }

    @Test
    void testBuild_9pfsProfileGivesTreeImage() {
        Response revision = build("uk9p", "{\"kernel\": \"unikraft-elfloader-9pfs\"}", "Ready");

        assertThat(revision.<String>path("buildLog")).contains("kernel profile: unikraft-elfloader-9pfs")
                .contains("started through /lib64/ld-linux-x86-64.so.2").contains("9pfs tree: sha256:");
        String tree = revision.<String>path("buildLog").replaceAll("(?s).*9pfs tree: sha256:([0-9a-f]{64}).*", "$1");
        assertThat(dataDir().resolve("store/trees").resolve(tree).resolve("app/hello.dll")).isRegularFile();
    }

    @Test
    void testBuild_initrdProfileWithNonPieHostFailsNaming9pfsProfile() {
        Response revision = build("ukinitrd", "{\"kernel\": \"unikraft-elfloader\"}", "Failed");

        assertThat(revision.<String>path("message")).contains("ET_EXEC").contains("9pfs profiles of this farm: unikraft-elfloader-9pfs");
        assertThat(revision.<String>path("buildLog")).contains("kernel profile: unikraft-elfloader");
    }

    @Test
    void testBuild_noKernelInSpecUsesLinux() {
        Response revision = build("deflinux", "{}", "Ready");

        assertThat(revision.<String>path("buildLog")).contains("kernel profile: linux").contains("initrd: sha256:");
    }

    /** Uploads hello as a new app with {@code spec}, waits for its build and asserts it ended in {@code state}. */
    private static Response build(String prefix, String spec, String state) {
        String app = FarmClient.uniqueName(prefix);
        api().multiPart("name", app).multiPart("bundle", FarmClient.sample("hello").toFile()).multiPart("spec", spec)
                .post("/api/v1/apps").then().statusCode(201);
        Response revision = FarmClient.awaitBuilt(app, 1);
        assertThat(revision.<String>path("state")).as(revision.asString()).isEqualTo(state);
        return revision;
    }

    private static Path dataDir() {
        return Path.of(ConfigProvider.getConfig().getValue("unifarm.data-dir", String.class));
    }
}
