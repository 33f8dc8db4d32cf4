package dev.unifarm.api.problem;

import dev.unifarm.api.testing.FarmClient;
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

import static dev.unifarm.api.testing.FarmClient.api;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;


/**
 * Refused requests get problem+json saying what to fix (the field, the expected type, the allowed
 * fields), and leave nothing behind: uploads, start bodies, spec and coverage bodies.
 */
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

    @Test
    void testStart_argsNotAListNamesTheFieldAndType() {
        expectProblem(start("{\"args\": \"notalist\"}"), "invalid-request")
                .body("detail", containsString("args must be a list of strings"));
    }

    @Test
    void testStart_bodyNotJsonSaysWhatToSend() {
        expectProblem(start("args=one"), "invalid-json")
                .body("detail", containsString("not JSON"))
                .body("detail", containsString("args (a list of strings)"))
                .body("detail", containsString("env (an object of string values)"));
    }

    @Test
    void testStart_unknownFieldIsRefusedListingTheFields() {
        expectProblem(start("{\"argz\": []}"), "invalid-request")
                .body("detail", containsString("unknown field \"argz\""))
                .body("detail", containsString("args, env"));
    }

    @Test
    void testStart_envValueThatIsNotAStringIsRefused() {
        expectProblem(start("{\"env\": {\"A\": 5}}"), "invalid-request")
                .body("detail", containsString("env.A must be a string"));
        expectProblem(start("{\"args\": [\"one\", true]}"), "invalid-request")
                .body("detail", containsString("args[1] must be a string"));
    }

    @Test
    void testUpload_specWithWrongTypesIsRefused() {
        String app = FarmClient.uniqueName("typedspec");

        expectProblem(api().multiPart("name", app).multiPart("bundle", FarmClient.sample("hello").toFile())
                .multiPart("spec", "{\"env\": {\"A\": 5}}").post("/api/v1/apps").then(), "invalid-spec")
                .body("detail", containsString("spec.env.A must be a string"));
        expectProblem(api().multiPart("name", app).multiPart("bundle", FarmClient.sample("hello").toFile())
                .multiPart("spec", "{\"memoryMiB\": \"512\"}").post("/api/v1/apps").then(), "invalid-spec")
                .body("detail", containsString("spec.memoryMiB must be an integer"));
        assertNoApp(app);
    }

    @Test
    void testPutSpec_wrongTypesAndNestedFieldsAreNamed() {
        String app = FarmClient.uniqueName("putspec");
        FarmClient.upload(app, FarmClient.sample("hello")).then().statusCode(201);
        String spec = "/api/v1/apps/" + app + "/spec";

        expectProblem(api().contentType("application/json").body("{\"args\": \"notalist\"}").put(spec).then(), "invalid-spec")
                .body("detail", containsString("spec.args must be a list of strings"));
        expectProblem(api().contentType("application/json").body("{\"scaling\": {\"maxInstance\": 2}}").put(spec).then(),
                "invalid-spec")
                .body("detail", containsString("spec.scaling has an unknown field \"maxInstance\""))
                .body("detail", containsString("maxInstances"));
        expectProblem(api().contentType("application/json").body("{\"port\": 8080").put(spec).then(), "invalid-spec")
                .body("detail", containsString("not JSON"));
        api().get("/api/v1/apps/" + app).then().body("latestRevision", equalTo(1));
    }

    @Test
    void testReference_failSyscallsNotAListIsNamed() {
        expectProblem(api().contentType("application/json").body("{\"failSyscalls\": \"mknodat\"}")
                .post("/api/v1/apps/no-such-app/coverage/reference").then(), "invalid-request")
                .body("detail", containsString("failSyscalls must be a list of strings"));
    }

    @Test
    void testUpload_notMultipartSaysHowToSendIt() {
        api().contentType("application/json").body("{\"name\": \"shop\"}").post("/api/v1/apps").then()
                .statusCode(415)
                .contentType("application/problem+json")
                .body("status", equalTo(415))
                .body("detail", containsString("multipart/form-data"))
                .body("detail", containsString("name"))
                .body("detail", containsString("bundle"))
                .body("detail", not(containsString("@Consumes")));
    }

    private static ValidatableResponse start(String body) {
        return api().contentType("application/json").body(body).post("/api/v1/apps/no-such-app/instances").then();
    }

    @Test
    void testUnknownEndpointAndMethod_problemsPointAtTheOpenApiDocument() {
        api().get("/api/v1/nosuch").then().statusCode(404).contentType("application/problem+json")
                .body("detail", containsString("there is no endpoint GET /api/v1/nosuch"))
                .body("detail", containsString("/q/openapi"));
        api().delete("/api/v1/kernels").then().statusCode(405).contentType("application/problem+json")
                .body("detail", containsString("DELETE /api/v1/kernels: the method is not allowed there"))
                .body("detail", containsString("/q/openapi"));
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
