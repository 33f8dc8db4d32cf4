package dev.unifarm.api.snapshots;

import dev.unifarm.api.apps.AppSpec;
import dev.unifarm.api.apps.Revision;
import dev.unifarm.api.instances.ActivationChoice;
import dev.unifarm.api.instances.InstanceEnded;
import dev.unifarm.imager.model.Image;
import dev.unifarm.scheduler.Activation;
import dev.unifarm.scheduler.LaunchRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gateway's starts: a restore of the revision's snapshot where there is a usable one, else a boot. A restore
 * that ends {@link Activation#RESTORE_FAILED} costs its snapshot ({@code restore-failed}); the gateway boots instead.
 */
@ApplicationScoped
public class SnapshotActivations implements ActivationChoice {

    /** The choice for one start, which remembers whether it chose a restore. */
    public final class OneStart implements ActivationChoice {
        private String restoredId;

        @Override
        public Activation choose(String id, String app, AppSpec spec, Revision revision, Image image, LaunchRequest launch) {
            Activation chosen = SnapshotActivations.this.choose(id, app, spec, revision, image, launch);
            restoredId = chosen instanceof Activation.Restore ? id : null;
            return chosen;
        }

        /** The start failed before anything ran: true when it was a restore, whose snapshot is dropped then (boot instead). */
        public boolean startFailed() {
            if (restoredId == null) {
                return false;
            }
            restoreFailed(restoredId);
            return true;
        }
    }

    public OneStart oneStart() {
        return new OneStart();
    }

    private final SnapshotPolicy policy;
    private final SnapshotStore store;
    /** Restored instances that have not ended yet, and the snapshot each came from. */
    private final Map<String, SnapshotKey> restoring = new ConcurrentHashMap<>();

    SnapshotActivations(SnapshotPolicy policy, SnapshotStore store) {
        this.policy = policy;
        this.store = store;
    }

    @Override
    public Activation choose(String id, String app, AppSpec spec, Revision revision, Image image, LaunchRequest launch) {
        return policy.key(app, spec, revision.number(), image, launch.memoryMiB())
                .flatMap(key -> store.restoreOf(key).map(restore -> {
                    restoring.put(id, key);
                    return (Activation) restore;
                }))
                .orElse(Activation.BOOT);
    }

    /**
     * Restored instance {@code id} did not get its guest running: its snapshot goes. Counted once, and whoever says so
     * (the gateway, the instance's end) returns only once it is gone, so the next start boots.
     */
    public void restoreFailed(String id) {
        SnapshotKey key = restoring.get(id);
        if (key != null) {
            store.drop(key, SnapshotStore.RESTORE_FAILED);
            restoring.remove(id);
        }
    }

    void ended(@Observes InstanceEnded ended) {
        if (Activation.RESTORE_FAILED.equals(ended.status().reason())) {
            restoreFailed(ended.status().id());
        } else {
            restoring.remove(ended.status().id());
        }
    }
}
