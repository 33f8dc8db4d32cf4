package dev.unifarm.api.apps;

import java.time.Instant;

/** An app as the API shows it. */
public record App(String name, AppSpec spec, int latestRevision, Instant createdAt) {
}
