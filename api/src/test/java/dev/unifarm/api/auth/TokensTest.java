package dev.unifarm.api.auth;

import dev.unifarm.api.testing.FarmClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.specification.RequestSpecification;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasItem;


/**
 * Several tokens: the generated default beside configured ones, one of them read-only. A read-only
 * token reads everything and changes nothing (403 problem+json, nothing recorded).
 */
@QuarkusTest
@TestProfile(TokensTest.ConfiguredTokens.class)
class TokensTest {

    static final String CI = "ci-0123456789abcdef-0123456789";
    static final String DASHBOARD = "dash-0123456789abcdef-0123456789";

    public static class ConfiguredTokens implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("unifarm.data-dir", "./target/test-data-tokens",
                    "unifarm.api.tokens.ci.value", CI,
                    "unifarm.api.tokens.dashboard.value", DASHBOARD,
                    "unifarm.api.tokens.dashboard.access", "read-only");
        }
    }

    private static RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token);
    }

    @Test
    void testGeneratedDefault_stillWorksBesideConfiguredTokens() {
        FarmClient.api().get("/api/v1/apps").then().statusCode(200);
    }

    @Test
    void testConfiguredReadWriteToken_mayChangeThings() {
        String name = FarmClient.uniqueName("ci");
        as(CI).get("/api/v1/apps").then().statusCode(200);
        // Past auth: the upload itself is judged (a bad name is 400, not 401/403).
        as(CI).multiPart("name", "Not_A_Name").multiPart("bundle", FarmClient.sample("hello").toFile())
                .post("/api/v1/apps").then().statusCode(400).body("type", endsWith("/invalid-name"));
        as(CI).multiPart("name", name).multiPart("bundle", FarmClient.sample("hello").toFile())
                .post("/api/v1/apps").then().statusCode(201);
        as(DASHBOARD).get("/api/v1/apps/" + name).then().statusCode(200).body("name", org.hamcrest.Matchers.equalTo(name));
    }

    @Test
    void testReadOnlyToken_readsButCannotChangeAnything() {
        String name = FarmClient.uniqueName("ro");
        as(DASHBOARD).get("/api/v1/apps").then().statusCode(200);
        as(DASHBOARD).get("/api/v1/instances").then().statusCode(200);
        as(DASHBOARD).multiPart("name", name).multiPart("bundle", FarmClient.sample("hello").toFile())
                .post("/api/v1/apps").then().statusCode(403)
                .contentType("application/problem+json")
                .body("type", endsWith("/read-only-token"))
                .body("detail", containsString("\"dashboard\" is read-only"))
                .body("detail", not(containsString(DASHBOARD)));
        as(DASHBOARD).delete("/api/v1/instances/i-does-not-matter").then().statusCode(403);
        as(DASHBOARD).contentType("application/json").body("{}").post("/api/v1/apps/" + name + "/instances").then().statusCode(403);
        as(DASHBOARD).get("/api/v1/apps/" + name).then().statusCode(404);
        FarmClient.api().get("/api/v1/apps").then().body("items.name", not(hasItem(name)));
    }

    @Test
    void testNearMisses_areRefused() {
        as(CI.substring(0, CI.length() - 1)).get("/api/v1/apps").then().statusCode(401);
        as(CI + "x").get("/api/v1/apps").then().statusCode(401);
        as(DASHBOARD.toUpperCase()).get("/api/v1/apps").then().statusCode(401);
        given().header("Authorization", CI).get("/api/v1/apps").then().statusCode(401);
    }
}
