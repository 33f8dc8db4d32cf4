package dev.unifarm.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document describes every {@code /api/v1} operation: a summary, the error codes it can
 * return (as problem+json), and schemas referenced from the components rather than left out.
 */
@QuarkusTest
class OpenApiContractTest {

    /** Every operation and the error statuses it can answer; a new operation must be added here. */
    private static final Map<String, Set<Integer>> ERRORS = new TreeMap<>(Map.ofEntries(
            Map.entry("POST /api/v1/apps", Set.of(400, 401, 403, 413, 429)),
            Map.entry("GET /api/v1/apps", Set.of(400, 401)),
            Map.entry("GET /api/v1/apps/{name}", Set.of(401, 404)),
            Map.entry("DELETE /api/v1/apps/{name}", Set.of(401, 403, 404)),
            Map.entry("PUT /api/v1/apps/{name}/spec", Set.of(400, 401, 403, 404, 409)),
            Map.entry("GET /api/v1/apps/{name}/revisions", Set.of(400, 401, 404)),
            Map.entry("GET /api/v1/apps/{name}/revisions/{number}", Set.of(401, 404)),
            Map.entry("GET /api/v1/apps/{name}/revisions/{number}/events", Set.of(401, 404)),
            Map.entry("GET /api/v1/apps/{name}/coverage", Set.of(400, 401, 404, 409)),
            Map.entry("POST /api/v1/apps/{name}/coverage/reference", Set.of(400, 401, 403, 404, 409)),
            Map.entry("POST /api/v1/apps/{name}/coverage/needs", Set.of(401, 403, 404, 409)),
            Map.entry("GET /api/v1/apps/{name}/coverage/needs", Set.of(400, 401, 404, 409)),
            Map.entry("GET /api/v1/apps/{name}/coverage/needs/events", Set.of(401, 404)),
            Map.entry("POST /api/v1/apps/{name}/instances", Set.of(400, 401, 403, 404, 409, 429)),
            Map.entry("GET /api/v1/instances", Set.of(400, 401)),
            Map.entry("GET /api/v1/instances/{id}", Set.of(401, 404)),
            Map.entry("DELETE /api/v1/apps/{name}/revisions/{number}/snapshot", Set.of(401, 403, 404)),
            Map.entry("DELETE /api/v1/instances/{id}", Set.of(401, 403, 404)),
            Map.entry("GET /api/v1/instances/{id}/console", Set.of(400, 401, 404)),
            Map.entry("GET /api/v1/kernels", Set.of(401)),
            Map.entry("GET /api/v1/kernels/{name}", Set.of(401, 404)),
            Map.entry("GET /api/v1/kernels/{name}/plan", Set.of(401, 404, 409)),
            Map.entry("POST /api/v1/runtimes", Set.of(400, 401, 403, 409)),
            Map.entry("GET /api/v1/runtimes", Set.of(401)),
            Map.entry("GET /api/v1/runtimes/{framework}/{version}", Set.of(401, 404))));

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");

    @Test
    void testOpenApi_everyOperationHasSummaryErrorsAndReferencedSchemas() throws Exception {
        JsonNode document = new ObjectMapper().readTree(given().get("/q/openapi?format=json").then().statusCode(200)
                .extract().asString());
        JsonNode schemas = document.path("components").path("schemas");
        assertThat(schemas.has("Problem")).as("the problem+json schema is a component").isTrue();

        Set<String> seen = new TreeSet<>();
        List<String> faults = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            if (!path.getKey().startsWith("/api/v1")) {
                continue;
            }
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                if (!METHODS.contains(op.getKey())) {
                    continue;
                }
                String name = op.getKey().toUpperCase() + " " + path.getKey();
                seen.add(name);
                check(name, op.getValue(), schemas, faults);
            }
        }
        assertThat(seen).as("operations in the document").isEqualTo(ERRORS.keySet());
        assertThat(faults).isEmpty();
    }

    private static void check(String name, JsonNode operation, JsonNode schemas, List<String> faults) {
        if (operation.path("summary").asText("").isBlank()) {
            faults.add(name + ": no summary");
        }
        JsonNode responses = operation.path("responses");
        for (int status : ERRORS.getOrDefault(name, Set.of())) {
            JsonNode problem = responses.path(Integer.toString(status)).path("content").path("application/problem+json");
            if (!"#/components/schemas/Problem".equals(problem.path("schema").path("$ref").asText())) {
                faults.add(name + ": no " + status + " problem+json response referencing the Problem schema");
            }
        }
        boolean success = false;
        for (Iterator<Map.Entry<String, JsonNode>> codes = responses.fields(); codes.hasNext(); ) {
            Map.Entry<String, JsonNode> code = codes.next();
            success |= code.getKey().startsWith("2");
            for (Iterator<Map.Entry<String, JsonNode>> media = code.getValue().path("content").fields(); media.hasNext(); ) {
                Map.Entry<String, JsonNode> content = media.next();
                checkSchema(name + " " + code.getKey() + " " + content.getKey(), content.getKey(), content.getValue().path("schema"),
                        schemas, faults);
            }
        }
        if (!success) {
            faults.add(name + ": no success response");
        }
    }

    /** JSON bodies name a component schema that exists; text bodies are strings. */
    private static void checkSchema(String where, String mediaType, JsonNode schema, JsonNode schemas, List<String> faults) {
        if (mediaType.startsWith("text/")) {
            if (!"string".equals(schema.path("type").asText())) {
                faults.add(where + ": a text body's schema should be a string");
            }
            return;
        }
        String ref = schema.path("$ref").asText("");
        if (!ref.startsWith("#/components/schemas/")) {
            faults.add(where + ": schema is not a reference: " + schema);
        } else if (!schemas.has(ref.substring("#/components/schemas/".length()))) {
            faults.add(where + ": " + ref + " is not in the components");
        }
    }

    /** Every field of every schema a client reads or sends says what it holds (Swagger UI shows it next to the field). */
    @Test
    void testOpenApi_everySchemaPropertyHasADescription() throws Exception {
        JsonNode schemas = document().path("components").path("schemas");
        List<String> blank = new ArrayList<>();
        int properties = 0;
        for (Iterator<Map.Entry<String, JsonNode>> named = schemas.fields(); named.hasNext(); ) {
            Map.Entry<String, JsonNode> schema = named.next();
            for (Iterator<Map.Entry<String, JsonNode>> fields = schema.getValue().path("properties").fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                properties++;
                if (field.getValue().path("description").asText("").isBlank()) {
                    blank.add(schema.getKey() + "." + field.getKey());
                }
            }
        }
        assertThat(schemas.has("AppSpec")).as("AppSpec is a component").isTrue();
        assertThat(properties).as("schema properties in the document").isGreaterThan(100);
        assertThat(blank).as("schema properties without a description").isEmpty();
    }

    /** The API token is an opaque random string from the data dir, not a JWT: clients must not try to decode it. */
    @Test
    void testOpenApi_bearerSchemeIsAnOpaqueToken() throws Exception {
        JsonNode bearer = document().path("components").path("securitySchemes").path("bearer");
        assertThat(bearer.path("type").asText()).isEqualTo("http");
        assertThat(bearer.path("scheme").asText()).isEqualTo("bearer");
        assertThat(bearer.path("bearerFormat").asText("")).doesNotContainIgnoringCase("JWT");
        assertThat(bearer.path("description").asText("")).contains("api-token");
    }

    private static JsonNode document() throws Exception {
        return new ObjectMapper().readTree(given().get("/q/openapi?format=json").then().statusCode(200).extract().asString());
    }

    @Test
    void testSwaggerUi_isServed() {
        given().get("/q/swagger-ui/").then().statusCode(200);
    }
}
