package dev.unifarm.api.apps;

import java.nio.file.Path;

/**
 * Fired (synchronously) once a revision is recorded and its bundle stored: the build queue observes it
 * and queues the build, so apps need not know how revisions are built.
 *
 * @param checked the scratch dir the upload's check unpacked the bundle into, now the build's to reuse and delete
 *     (null: the build unpacks the stored bundle)
 */
public record RevisionRecorded(String app, int number, Path checked) {
}
