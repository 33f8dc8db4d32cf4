package dev.unifarm.api.builds;

import dev.unifarm.api.apps.RevisionRepository;
import dev.unifarm.api.farm.DaemonThreads;
import dev.unifarm.imager.Images;
import dev.unifarm.imager.model.Image;
import dev.unifarm.imager.model.KernelProfile;
import dev.unifarm.imager.model.OciImage;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Exports the initrd images of Ready revisions that have no OCI manifest yet (built when only a farm
 * with a registry exported them), so every Ready initrd image is in the store's OCI layout. Runs once
 * per start, off the start-up path: a new root filesystem's layers take seconds to write.
 */
@ApplicationScoped
public class OciBackfill {

    private static final Logger LOG = Logger.getLogger(OciBackfill.class);

    private final RevisionRepository revisions;
    private final Images store;

    OciBackfill(RevisionRepository revisions, Images store) {
        this.revisions = revisions;
        this.store = store;
    }

    void atStart(@Observes StartupEvent event) {
        DaemonThreads.named("oci-backfill").newThread(this::exportMissing).start();
    }

    /** Exports each such image whose files are in the store; returns how many revisions got an {@code ociDigest}. */
    public int exportMissing() {
        int exported = 0;
        for (RevisionRepository.RevisionRow row : revisions.readyWithoutOci()) {
            Optional<Image> image = store.image(row.imageDigest());
            if (image.isEmpty() || image.get().manifest().boot().rootfsDelivery() != KernelProfile.Delivery.INITRD
                    || !store.complete(image.get())) {
                continue; // 9pfs (not exported), or files gone: nothing to export from
            }
            try {
                OciImage oci = store.exportOci(image.get());
                revisions.setOciDigest(row.app(), row.number(), oci.digest());
                exported++;
            } catch (RuntimeException e) {
                LOG.warnf("exporting %s revision %d to the store's OCI layout failed: %s", row.app(), row.number(), e.getMessage());
            }
        }
        if (exported > 0) {
            LOG.infof("exported %d earlier revisions' images to the store's OCI layout", exported);
        }
        return exported;
    }
}
