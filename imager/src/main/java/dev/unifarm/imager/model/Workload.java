package dev.unifarm.imager.model;

import java.time.Duration;
import java.util.List;

/**
 * What a needs-sweep trial must do to pass (docs/coverage.md, "What an app really needs"): an app with a port
 * answers each of {@code requests} (sent inside the guest to {@code 127.0.0.1:<port>}); any other app ends with
 * {@code exitCode} and prints every line of {@code output}. A field left null is "as in the sweep's baseline trial"
 * (the app run once with nothing injected, in the same boot): its status and body, its exit code, its whole output.
 *
 * @param requests for an app with a port; empty: one {@code GET /}
 * @param exitCode for an app without a port; null: the baseline's
 * @param output lines the app must print (each somewhere in its stdout and stderr); null: exactly the baseline's output
 * @param settle for an app without a port that never ends by itself (a worker): how long a trial runs before the app is
 *     sent SIGTERM, as a stop would (its exit code and output are then judged); null: the app ends by itself
 */
public record Workload(List<Request> requests, Integer exitCode, List<String> output, Duration settle) {

    /** The longest settle time: every trial pays it. */
    public static final Duration MAX_SETTLE = Duration.ofMinutes(1);

    /** Longest path, body or output line a workload may name: they travel in the guest's /init. */
    public static final int MAX_TEXT = 512;

    /**
     * One request: {@code GET path}; passes when its status is {@code status} (null: the baseline's) and its body
     * contains {@code body} (null: equals the baseline's body).
     */
    public record Request(String path, Integer status, String body) {
        public Request {
            if (path == null || !path.startsWith("/") || path.length() > MAX_TEXT || !path.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw new ImagerException("invalid-workload", "a workload request's path must start with / and be at most "
                        + MAX_TEXT + " printable ASCII characters without spaces, e.g. /health or /hello?x=1; got: " + path);
            }
            if (status != null && (status < 100 || status > 599)) {
                throw new ImagerException("invalid-workload", "a workload request's status must be an HTTP status (100-599); got: " + status);
            }
            checkText(body, "a workload request's body");
        }
    }

    public Workload {
        requests = requests == null ? List.of() : List.copyOf(requests);
        if (exitCode != null && (exitCode < 0 || exitCode > 255)) {
            throw new ImagerException("invalid-workload", "a workload's exitCode must be 0-255; got: " + exitCode);
        }
        if (settle != null && (settle.isNegative() || settle.isZero() || settle.compareTo(MAX_SETTLE) > 0)) {
            throw new ImagerException("invalid-workload", "a workload's settle must be more than 0 and at most " + MAX_SETTLE
                    + " (every trial runs that long), e.g. PT3S; got: " + settle);
        }
        if (output != null) {
            output.forEach(line -> checkText(line, "a workload output line"));
            output = List.copyOf(output);
        }
    }

    public Workload(List<Request> requests, Integer exitCode, List<String> output) {
        this(requests, exitCode, output, null);
    }

    /** Everything as in the baseline trial. */
    public static Workload asBaseline() {
        return new Workload(List.of(), null, null, null);
    }

    /** The requests a sweep sends an app with a port: the configured ones, or one {@code GET /}. */
    public List<Request> requestsOrRoot() {
        return requests.isEmpty() ? List.of(new Request("/", null, null)) : requests;
    }

    private static void checkText(String text, String what) {
        if (text == null) {
            return;
        }
        if (text.isEmpty() || text.length() > MAX_TEXT || text.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new ImagerException("invalid-workload", what + " must be 1-" + MAX_TEXT
                    + " characters on one line without control characters; got: " + text);
        }
    }
}
