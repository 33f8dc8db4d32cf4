package dev.unifarm.api.problem;

/**
 * What a JSON request body is called in problem details, and the problem types its mistakes get.
 *
 * @param name how details name the body, e.g. {@code spec}
 * @param fieldPrefix put before a field's path, e.g. {@code spec.} gives {@code spec.env.A}
 * @param invalidType the problem type of a field that is unknown or of the wrong type
 * @param syntaxType the problem type of a body that is not JSON
 */
public record JsonBody(String name, String fieldPrefix, String invalidType, String syntaxType) {

    /** A top-level body whose fields are named as they are (no prefix). */
    public static JsonBody request(String name) {
        return new JsonBody(name, "", "invalid-request", "invalid-json");
    }
}
