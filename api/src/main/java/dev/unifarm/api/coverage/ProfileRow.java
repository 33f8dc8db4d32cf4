package dev.unifarm.api.coverage;

import java.time.Instant;

/** A row of {@code syscall_profiles}: one traced run and, once {@code Done}, its calls as JSON. */
record ProfileRow(String runId, String app, int revision, String kernel, String source, String state, String message,
        Integer exitCode, String callsJson, Instant createdAt) {

    static final String RUNNING = "Running";
    /** Built, queued behind busy capacity: the message says what it waits for (vCPUs and memory asked vs free). */
    static final String WAITING = "Waiting";
    static final String DONE = "Done";
    static final String FAILED = "Failed";
}
