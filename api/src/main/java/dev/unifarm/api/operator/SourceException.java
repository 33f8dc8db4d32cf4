package dev.unifarm.api.operator;

/** A bundle source that could not be used; {@code reason} becomes the {@code ImageReady} condition's reason. */
final class SourceException extends RuntimeException {

    static final String INVALID = "SourceInvalid";
    static final String FETCH_FAILED = "FetchFailed";
    static final String DIGEST_MISMATCH = "DigestMismatch";

    private final String reason;

    SourceException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    SourceException(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    String reason() {
        return reason;
    }
}
