package dev.unifarm.api.kernels;

import static dev.unifarm.api.testing.FarmClient.api;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** {@code GET /api/v1/kernels}: the profiles application.properties configures, as data. */
@QuarkusTest
class KernelsApiTest {

    @Test
    void testList_showsTheConfiguredProfiles() {
        api().get("/api/v1/kernels").then().statusCode(200)
                .body("items.name", hasItems("linux", "unikraft-elfloader", "unikraft-elfloader-9pfs"))
                .body("next", nullValue())
                .body("items.find { it.name == 'linux' }.isDefault", equalTo(true))
                .body("items.find { it.name == 'linux' }.kernelSource", equalTo("file"))
                .body("items.find { it.name == 'linux' }.kernel", endsWith("vmlinuz"))
                .body("items.find { it.name == 'linux' }.commandLine", equalTo("linux"))
                .body("items.find { it.name == 'linux' }.exit", equalTo("linux-panic"))
                .body("items.find { it.name == 'linux' }.delivery", equalTo("initrd"))
                .body("items.find { it.name == 'unikraft-elfloader-9pfs' }.delivery", equalTo("9pfs"))
                .body("items.find { it.name == 'unikraft-elfloader-9pfs' }.commandLine", equalTo("unikraft"))
                .body("items.find { it.name == 'unikraft-elfloader-9pfs' }.exit", equalTo("unifarm-compat"))
                .body("items.find { it.name == 'unikraft-elfloader-9pfs' }.isDefault", equalTo(false))
                .body("items.find { it.name == 'unikraft-elfloader' }.stack.start", equalTo("0x400040000"));
    }

    @Test
    void testGet_oneProfileWithItsSyscallTable() {
        // A stock Linux kernel implements every syscall.
        api().get("/api/v1/kernels/linux").then().statusCode(200)
                .body("name", equalTo("linux")).body("arch", equalTo("x86_64")).body("stack.source", equalTo("derived"))
                .body("syscallsSource", equalTo("linux")).body("syscalls", hasItems("clone3", "rseq", "openat"));
    }

    @Test
    void testGet_unikraftSyscallTableFromProvidedSyscallsOrUnknown() {
        api().get("/api/v1/kernels/unikraft-elfloader-9pfs").then().statusCode(200)
                .body("syscallsSource", equalTo("provided-syscalls"))
                .body("syscalls", hasItems("openat", "mknodat", "mmap")).body("syscalls", not(hasItem("clone3")))
                .body("syscalls.size()", equalTo(176));
        api().get("/api/v1/kernels/unikraft-elfloader").then().statusCode(200)
                .body("syscalls", nullValue()).body("syscallsSource", nullValue());
    }

    /** {@code initrd0:/:extract:::} needs a ramfs at / first: the initrd profile says so, the others have nothing to say. */
    @Test
    void testGet_unikraftInitrdProfileNotesTheRamfsRootItNeeds() {
        api().get("/api/v1/kernels/unikraft-elfloader").then().statusCode(200)
                .body("notes", hasItem(containsString("only on a kernel whose configuration mounts a ramfs at / first")))
                .body("notes", hasItem(containsString("Failed to extract cpio archive to /: -6")));
        api().get("/api/v1/kernels/unikraft-elfloader-9pfs").then().statusCode(200).body("notes.size()", equalTo(0));
        api().get("/api/v1/kernels/linux").then().statusCode(200).body("notes.size()", equalTo(0));
    }

    @Test
    void testGet_unknownProfileIs404ProblemNamingTheConfiguredOnes() {
        api().get("/api/v1/kernels/plan9").then().statusCode(404).contentType("application/problem+json")
                .body("type", endsWith("/kernel-not-found")).body("detail", containsString("linux"));
    }

    @Test
    void testList_needsAToken() {
        io.restassured.RestAssured.given().get("/api/v1/kernels").then().statusCode(401);
    }
}
