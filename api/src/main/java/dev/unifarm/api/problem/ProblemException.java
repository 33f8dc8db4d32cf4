package dev.unifarm.api.problem;

/** A request the farm refuses, carried to the client as {@code application/problem+json}. */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String type;
    private final String title;

    public ProblemException(int status, String type, String title, String detail) {
        super(detail);
        this.status = status;
        this.type = type;
        this.title = title;
    }

    public static ProblemException badRequest(String type, String detail) {
        return new ProblemException(400, type, "Bad request", detail);
    }

    public static ProblemException notFound(String what, String detail) {
        return new ProblemException(404, what + "-not-found", "Not found", detail);
    }

    public static ProblemException tooLarge(String type, String detail) {
        return new ProblemException(413, type, "Content too large", detail);
    }

    public static ProblemException conflict(String type, String detail) {
        return new ProblemException(409, type, "Conflict", detail);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String title() {
        return title;
    }
}
