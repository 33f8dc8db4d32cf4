package dev.unifarm.api.coverage;

import static dev.unifarm.api.testing.FarmClient.api;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unifarm.api.apps.AppRepository;
import dev.unifarm.api.testing.FarmClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/v1/kernels/{name}/plan} over sweeps stored as a finished sweep stores them ({@link StoredSweeps}: no
 * QEMU). Other tests' apps
 * may share the database, so the assertions name this test's apps and syscalls no real app requires.
 */
@QuarkusTest
class SupportPlanApiTest {

    private static final String KERNEL = "unikraft-elfloader-9pfs";

    @Inject
    AppRepository apps;
    @Inject
    NeedsRepository needs;
    @Inject
    ObjectMapper json;

    private final String a = FarmClient.uniqueName("plan-a");
    private final String b = FarmClient.uniqueName("plan-b");
    private final String c = FarmClient.uniqueName("plan-c");

    @AfterEach
    void deleteApps() {
        List.of(a, b, c).forEach(apps::delete);
    }

    @Test
    void testPlan_ranksTheMissingRequiredSyscallsOfEachAppsNewestSweep() {
        // The 9pfs table has openat; it lacks vhangup, kexec_load, swapon, acct and clone3.
        sweep(a, 1, "openat", "required", "vhangup", "required", "acct", "fakeable", "clone3", "stubbable");
        sweep(b, 1, "swapon", "required");
        sweep(b, 2, "vhangup", "required", "kexec_load", "required");
        needs.insertRunning("n-" + b + "-x", b, 3, "r-1", 3, Instant.now()); // unfinished: not in the plan
        sweep(c, 1, "openat", "required", "clone3", "stubbable");

        Response plan = api().get("/api/v1/kernels/" + KERNEL + "/plan");
        System.out.println("plan: " + plan.asString());

        plan.then().statusCode(200);
        assertThat(plan.<String>path("kernel")).isEqualTo(KERNEL);
        assertThat(app(plan, a)).containsEntry("revision", 1).containsEntry("blockers", List.of("vhangup"))
                .containsEntry("fakeable", List.of("acct")).containsEntry("stubbable", List.of("clone3")).containsEntry("runsNow", false);
        assertThat(app(plan, b)).as("b's newest sweep").containsEntry("revision", 2)
                .containsEntry("blockers", List.of("kexec_load", "vhangup")).containsEntry("runsNow", false);
        assertThat(app(plan, c)).containsEntry("blockers", List.of()).containsEntry("runsNow", true);
        List<String> ranked = plan.path("ranking.syscall");
        assertThat(ranked).doesNotContain("swapon", "openat", "acct", "clone3");
        assertThat(ranked.indexOf("vhangup")).as("vhangup unblocks a at once, kexec_load none").isLessThan(ranked.indexOf("kexec_load"));
        assertThat(plan.<List<String>>path("ranking.find { it.syscall == 'vhangup' }.requiredBy")).containsExactly(a, b);
        assertThat(plan.<List<String>>path("shim.find { it.syscall == 'acct' }.apps")).containsExactly(a);
        assertThat(plan.<List<String>>path("stub.find { it.syscall == 'clone3' }.apps")).contains(a, c);
        int swept = plan.path("sweptApps");
        assertThat(swept).isGreaterThanOrEqualTo(3);
        assertThat(plan.<Integer>path("appsRunnableNow")).isBetween(1, swept - 2);
        assertThat(plan.<Integer>path("ranking[-1].appsRunnableAfter")).as("every app runs once all are implemented").isEqualTo(swept);
    }

    @Test
    void testPlan_linuxLacksNothing() {
        sweep(a, 1, "vhangup", "required", "acct", "fakeable");

        Response plan = api().get("/api/v1/kernels/linux/plan");

        plan.then().statusCode(200);
        assertThat(plan.<List<Object>>path("ranking")).isEmpty();
        assertThat(plan.<List<Object>>path("shim")).isEmpty();
        assertThat(app(plan, a)).containsEntry("blockers", List.of()).containsEntry("runsNow", true);
        assertThat(plan.<Integer>path("appsRunnableNow")).isEqualTo(plan.<Integer>path("sweptApps"));
    }

    @Test
    void testPlan_profileWithoutSyscallTableIs409SayingHowToGiveItOne() {
        api().get("/api/v1/kernels/unikraft-elfloader/plan").then().statusCode(409).contentType("application/problem+json")
                .body("type", endsWith("/syscall-table-missing"))
                .body("detail", containsString("unifarm.kernels.unikraft-elfloader.provided-syscalls"))
                .body("detail", containsString("syscalls-symbols"));
    }

    @Test
    void testPlan_unknownProfileIs404NamingTheConfiguredOnes() {
        api().get("/api/v1/kernels/plan9/plan").then().statusCode(404).contentType("application/problem+json")
                .body("type", endsWith("/kernel-not-found")).body("detail", containsString("linux"));
    }

    @Test
    void testPlan_needsAToken() {
        io.restassured.RestAssured.given().get("/api/v1/kernels/linux/plan").then().statusCode(401);
    }

    private void sweep(String app, int revision, String... nameThenClass) {
        new StoredSweeps(apps, needs, json).done(app, revision, nameThenClass);
    }

    private static Map<String, Object> app(Response plan, String app) {
        return plan.path("apps.find { it.app == '" + app + "' }");
    }
}
