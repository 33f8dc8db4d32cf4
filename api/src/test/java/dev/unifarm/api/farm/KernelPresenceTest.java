package dev.unifarm.api.farm;

import dev.unifarm.api.testing.FarmClient;
import dev.unifarm.api.testing.StandInKernels;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static dev.unifarm.api.testing.FarmClient.api;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;


/**
 * A profile whose kernel file is not there is shown as such by {@code /api/v1/kernels}, and an upload
 * or spec change naming it is refused at once with how to configure it, instead of a build that fails
 * later. A {@code kernel-oci} kernel is pulled at build time: it counts as present. This farm has a data
 * dir of its own, so no other test's stand-in kernels are in it.
 */
@QuarkusTest
@TestProfile(KernelPresenceTest.OwnDataDir.class)
class KernelPresenceTest {

    private static final String OCI_PROFILE = "uk-oci";

    public static class OwnDataDir implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("unifarm.data-dir", "./target/test-data-kernels",
                    "unifarm.kernels." + OCI_PROFILE + ".kernel-oci", "http://127.0.0.1:9/kernels/elfloader@sha256:" + "0".repeat(64),
                    "unifarm.kernels." + OCI_PROFILE + ".command-line", "unikraft",
                    "unifarm.kernels." + OCI_PROFILE + ".delivery", "9pfs");
        }
    }

    @Test
    void testKernels_showWhetherEachProfileKernelIsPresent() {
        api().get("/api/v1/kernels").then().statusCode(200)
                .body("items.find { it.name == 'linux' }.kernelPresent", equalTo(true))
                .body("items.find { it.name == 'unikraft-elfloader-9pfs' }.kernelPresent", equalTo(false))
                .body("items.find { it.name == 'unikraft-elfloader-9pfs' }.kernelDetail",
                        containsString("unifarm.kernels.unikraft-elfloader-9pfs.kernel"))
                .body("items.find { it.name == 'unikraft-elfloader-9pfs' }.kernelDetail", containsString("kernel-oci"))
                .body("items.find { it.name == '" + OCI_PROFILE + "' }.kernelPresent", equalTo(true))
                .body("items.find { it.name == '" + OCI_PROFILE + "' }.kernelDetail", containsString("pulled"));
    }

    @Test
    void testUpload_namingAProfileWithoutItsKernelIsRefusedAtOnce() {
        String app = FarmClient.uniqueName("nokernel");

        api().multiPart("name", app).multiPart("bundle", FarmClient.sample("hello").toFile())
                .multiPart("spec", "{\"kernel\": \"unikraft-elfloader-9pfs\"}", "application/json").post("/api/v1/apps")
                .then().statusCode(400).contentType("application/problem+json")
                .body("type", endsWith("/kernel-missing"))
                .body("detail", containsString("elfloader_qemu-x86_64 does not exist"))
                .body("detail", containsString("unifarm.kernels.unikraft-elfloader-9pfs.kernel"))
                .body("detail", containsString("unifarm.kernels.unikraft-elfloader-9pfs.kernel-oci"));

        api().get("/api/v1/apps/" + app).then().statusCode(404);
    }

    @Test
    void testSpecChange_namingAProfileWithoutItsKernelIsRefused() {
        String app = FarmClient.uniqueName("specnokernel");
        FarmClient.upload(app, FarmClient.sample("hello")).then().statusCode(201);

        api().contentType("application/json").body("{\"kernel\": \"unikraft-elfloader-9pfs\"}").put("/api/v1/apps/" + app + "/spec")
                .then().statusCode(400).contentType("application/problem+json")
                .body("type", endsWith("/kernel-missing"))
                .body("detail", containsString("unifarm.kernels.unikraft-elfloader-9pfs.kernel-oci"));

        assertThat(api().get("/api/v1/apps/" + app).<Integer>path("latestRevision")).isEqualTo(1);
    }

    @Test
    void testUpload_ociKernelCountsAsConfigured() {
        api().multiPart("name", FarmClient.uniqueName("ocikernel")).multiPart("bundle", FarmClient.sample("hello").toFile())
                .multiPart("spec", "{\"kernel\": \"" + OCI_PROFILE + "\"}", "application/json").post("/api/v1/apps")
                .then().statusCode(201);
    }

    @Test
    void testUpload_acceptedOnceTheKernelFileIsInPlace() {
        String app = FarmClient.uniqueName("kernelplaced");
        api().get("/api/v1/kernels/unikraft-elfloader").then().statusCode(200).body("kernelPresent", equalTo(false));
        api().multiPart("name", app).multiPart("bundle", FarmClient.sample("hello").toFile())
                .multiPart("spec", "{\"kernel\": \"unikraft-elfloader\"}", "application/json").post("/api/v1/apps")
                .then().statusCode(400).body("type", endsWith("/kernel-missing"));

        StandInKernels.install("unikraft-elfloader"); // no restart: the file is looked for on every request

        api().get("/api/v1/kernels/unikraft-elfloader").then().statusCode(200).body("kernelPresent", equalTo(true));
        api().multiPart("name", app).multiPart("bundle", FarmClient.sample("hello").toFile())
                .multiPart("spec", "{\"kernel\": \"unikraft-elfloader\"}", "application/json").post("/api/v1/apps")
                .then().statusCode(201);
    }
}
