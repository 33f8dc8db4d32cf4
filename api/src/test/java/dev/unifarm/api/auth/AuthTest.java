package dev.unifarm.api.auth;

import dev.unifarm.api.testing.FarmClient;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;


/** Every /api/v1 call needs the bearer token the farm generated into its data dir. */
@QuarkusTest
class AuthTest {

    @Test
    void testApi_withoutTokenIs401() {
        given().get("/api/v1/apps").then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer")
                .body("detail", containsString("api-token"));
    }

    @Test
    void testApi_withWrongTokenIs401() {
        given().header("Authorization", "Bearer wrong").get("/api/v1/apps").then().statusCode(401);
    }

    @Test
    void testApi_withGeneratedTokenIs200() {
        FarmClient.api().get("/api/v1/apps").then().statusCode(200);
    }

    @Test
    void testTokenFile_isOwnerOnly() throws IOException {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(FarmClient.tokenFile()))).isEqualTo("rw-------");
    }

    @Test
    void testOpenApi_isPublicAndListsTheApi() {
        given().get("/q/openapi").then().statusCode(200)
                .body(containsString("/api/v1/apps/{name}/instances"))
                .body(containsString("/api/v1/instances/{id}/console"));
    }
}
