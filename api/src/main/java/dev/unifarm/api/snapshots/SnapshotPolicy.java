package dev.unifarm.api.snapshots;

import dev.unifarm.api.apps.AppSpec;
import dev.unifarm.api.config.UnifarmConfig;
import dev.unifarm.imager.model.Image;
import dev.unifarm.scheduler.Scheduler;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * Whether a start of an app may use snapshots, and the key its snapshot has: snapshots on
 * ({@code unifarm.gateway.snapshots.enabled}), an HTTP app that did not opt out ({@code scaling.snapshot: false}), an
 * image whose {@code /init} runs the guest resume helper, and a scheduler that takes snapshots (local mode).
 */
@ApplicationScoped
class SnapshotPolicy {

    private final boolean enabled;
    private final Scheduler scheduler;

    SnapshotPolicy(UnifarmConfig config, Scheduler scheduler) {
        this.enabled = config.gateway().snapshots().enabled();
        this.scheduler = scheduler;
    }

    /** The key of revision {@code revision}'s snapshot for a launch of {@code image} with {@code memoryMiB}; empty: boots only. */
    Optional<SnapshotKey> key(String app, AppSpec spec, int revision, Image image, int memoryMiB) {
        if (!enabled || spec.port() == null || !AppSpec.Scaling.snapshots(spec.scaling()) || !image.manifest().boot().resumeHelper()) {
            return Optional.empty();
        }
        return scheduler.snapshots().map(support -> new SnapshotKey(app, revision, image.manifest().profile(), support.qemuVersion(),
                memoryMiB));
    }
}
