package dev.unifarm.scheduler.diagnosis;

/**
 * Why an app failed, in plain words: a CamelCase {@code reason} for the instance status, the cause,
 * the fix, and the console line that gave it away.
 */
public record Diagnosis(String reason, String cause, String fix, String evidence) {

    /** The instance status message: cause, fix, then the line (kept so the raw signature stays searchable). */
    public String message() {
        return cause + ". Fix: " + fix + ". Console: " + evidence;
    }
}
