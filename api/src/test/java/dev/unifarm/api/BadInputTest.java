package dev.unifarm.api;

import static dev.unifarm.api.FarmClient.api;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Refused uploads get 400 problem+json saying what to fix, and leave no app behind. */
@QuarkusTest
class BadInputTest {

    @TempDir
    Path temp;

    @Test
    void testUpload_nonArchiveIsRefused() throws IOException {
        Path notAnArchive = Files.writeString(temp.resolve("app.zip"), "this is not a zip file\n");
        String app = FarmClient.uniqueName("notzip");

        expectProblem(FarmClient.upload(app, notAnArchive).then(), "invalid-bundle")
                .body("detail", containsString(".zip"))
                .body("detail", containsString(".tar.gz"));
        assertNoApp(app);
    }

    @Test
    void testUpload_zipWithoutRuntimeconfigIsRefused() throws IOException {
        Path zip = temp.resolve("no-config.zip");
        try (OutputStream file = Files.newOutputStream(zip); ZipOutputStream out = new ZipOutputStream(file)) {
            out.putNextEntry(new ZipEntry("hello.dll"));
            out.write(Files.readAllBytes(FarmClient.sample("hello").resolveSibling("hello/hello.dll")));
            out.closeEntry();
        }
        String app = FarmClient.uniqueName("noconfig");

        expectProblem(FarmClient.upload(app, zip).then(), "invalid-bundle")
                .body("detail", containsString("runtimeconfig.json"))
                .body("detail", containsString("dotnet publish"));
        assertNoApp(app);
    }

    @Test
    void testUpload_invalidNameIsRefused() {
        String app = "Not_A_DNS_Label";

        expectProblem(FarmClient.upload(app, FarmClient.sample("hello")).then(), "invalid-name")
                .body("detail", containsString("DNS-1123"));
        api().get("/api/v1/apps").then().statusCode(200).body("items.name", org.hamcrest.Matchers.not(
                org.hamcrest.Matchers.hasItem(app)));
    }

    @Test
    void testUpload_missingBundleIsRefused() {
        String app = FarmClient.uniqueName("nobundle");

        expectProblem(api().multiPart("name", app).post("/api/v1/apps").then(), "invalid-bundle")
                .body("detail", containsString("bundle"));
        assertNoApp(app);
    }

    @Test
    void testUpload_unknownSpecFieldIsRefused() {
        String app = FarmClient.uniqueName("badspec");

        expectProblem(api().multiPart("name", app).multiPart("bundle", FarmClient.sample("hello").toFile())
                .multiPart("spec", "{\"memory\": 512}").post("/api/v1/apps").then(), "invalid-spec")
                .body("detail", containsString("memory"));
        assertNoApp(app);
    }

    @Test
    void testUpload_unknownKernelIsRefusedListingProfiles() {
        String app = FarmClient.uniqueName("badkernel");

        expectProblem(api().multiPart("name", app).multiPart("bundle", FarmClient.sample("hello").toFile())
                .multiPart("spec", "{\"kernel\": \"firecracker\"}").post("/api/v1/apps").then(), "invalid-spec")
                .body("detail", containsString("\"firecracker\""))
                .body("detail", containsString("[linux, unikraft-elfloader, unikraft-elfloader-9pfs]"));
        assertNoApp(app);
    }

    @Test
    void testStart_unknownAppIs404() {
        api().contentType("application/json").body("{}").post("/api/v1/apps/no-such-app/instances").then()
                .statusCode(404).contentType("application/problem+json");
    }

    private static ValidatableResponse expectProblem(ValidatableResponse response, String kind) {
        return response.statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("type", equalTo("https://unifarm.dev/problems/" + kind));
    }

    private static void assertNoApp(String app) {
        api().get("/api/v1/apps/" + app).then().statusCode(404).contentType("application/problem+json");
    }
}
