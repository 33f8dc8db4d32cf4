package dev.unifarm.api.store;

import dev.unifarm.api.farm.FarmDirs;
import dev.unifarm.imager.Bundles;
import dev.unifarm.imager.Images;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.HashSet;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Removes the files {@link StoreGarbage} lists, unless a remaining revision still uses them (another
 * app uploaded the same bundle, or built the same image); an image leaves the OCI layout first. Runs after every app deletion and at start,
 * which finishes a deletion a crash interrupted: the rows went in one transaction, the files follow.
 */
@ApplicationScoped
public class StoreSweeper {

    private static final Logger LOG = Logger.getLogger(StoreSweeper.class);

    private final StoreGarbage garbage;
    private final StoreReferences revisions;
    private final Images store;
    private final Bundles bundles;
    private final FarmDirs dirs;
    private final StoreGuard guard;

    StoreSweeper(StoreGarbage garbage, StoreReferences revisions, Images store, Bundles bundles, FarmDirs dirs, StoreGuard guard) {
        this.garbage = garbage;
        this.revisions = revisions;
        this.store = store;
        this.bundles = bundles;
        this.dirs = dirs;
        this.guard = guard;
    }

    void resume(@Observes StartupEvent event) {
        sweep();
    }

    public void sweep() {
        guard.whileSweeping(() -> {
            Set<String> rootfsInUse = null;
            Set<String> ociInUse = null;
            for (StoreGarbage.Entry entry : garbage.all()) {
                switch (entry.kind()) {
                    case bundle -> {
                        if (!revisions.references(entry.name()) && bundles.delete(entry.name())) {
                            LOG.debugf("deleted bundle %s", entry.name());
                        }
                    }
                    case image -> {
                        if (!revisions.references(entry.name())) {
                            rootfsInUse = rootfsInUse != null ? rootfsInUse : rootfsInUse();
                            ociInUse = ociInUse != null ? ociInUse : ociInUse();
                            store.delete(entry.name(), rootfsInUse, ociInUse).forEach(file -> LOG.debugf("deleted %s", file));
                        }
                    }
                    case instance -> FarmDirs.deleteTree(dirs.instance(entry.name()));
                }
                garbage.remove(entry);
            }
        });
    }

    /** Root filesystems of the images remaining revisions produced: two apps with the same bundle and spec share one. */
    private Set<String> rootfsInUse() {
        Set<String> inUse = new HashSet<>();
        for (String digest : revisions.imageDigests()) {
            store.image(digest).ifPresent(image -> inUse.add(image.initrd().toString()));
        }
        return inUse;
    }

    /** OCI blobs of the images remaining revisions produced: images of one kernel share its layer, of one root filesystem its initrd layer. */
    private Set<String> ociInUse() {
        Set<String> inUse = new HashSet<>();
        for (String digest : revisions.imageDigests()) {
            inUse.addAll(store.ociBlobs(digest));
        }
        return inUse;
    }
}
