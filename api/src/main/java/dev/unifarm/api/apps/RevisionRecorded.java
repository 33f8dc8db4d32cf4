package dev.unifarm.api.apps;

/**
 * Fired (synchronously) once a revision is recorded and its bundle stored: the build queue observes it
 * and queues the build, so apps need not know how revisions are built.
 */
public record RevisionRecorded(String app, int number) {
}
