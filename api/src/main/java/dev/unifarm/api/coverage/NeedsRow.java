package dev.unifarm.api.coverage;

import java.time.Instant;

/** A row of {@code syscall_needs} (V6): one needs sweep and, once {@code Done}, its result as JSON. */
record NeedsRow(String runId, String app, int revision, String referenceRun, String state, String message, int trialsDone,
        int trialsPlanned, String resultJson, Instant createdAt, Instant finishedAt) {
}
