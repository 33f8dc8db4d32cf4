package dev.unifarm.imager.model;

/**
 * A build failure the user can act on: {@code type} is a stable kebab-case kind (it becomes the
 * problem+json type), {@code getMessage()} says what to fix.
 */
public class ImagerException extends RuntimeException {

    private final String type;

    public ImagerException(String type, String detail) {
        super(detail);
        this.type = type;
    }

    public ImagerException(String type, String detail, Throwable cause) {
        super(detail, cause);
        this.type = type;
    }

    /** Stable error kind, e.g. {@code invalid-bundle}. */
    public String type() {
        return type;
    }
}
