package dev.unifarm.api.store;

import dev.unifarm.api.farm.FarmDirs;
import dev.unifarm.imager.model.Image;
import dev.unifarm.imager.oci.OciLayout;
import dev.unifarm.imager.store.ImageStore;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.Optional;
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
    private final ImageStore store;
    private final OciLayout layout;
    private final FarmDirs dirs;
    private final StoreGuard guard;

    StoreSweeper(StoreGarbage garbage, StoreReferences revisions, ImageStore store, OciLayout layout, FarmDirs dirs, StoreGuard guard) {
        this.garbage = garbage;
        this.revisions = revisions;
        this.store = store;
        this.layout = layout;
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
                        if (!revisions.references(entry.name())) {
                            deleteFile(store.blobPath(entry.name()));
                        }
                    }
                    case image -> {
                        if (!revisions.references(entry.name())) {
                            rootfsInUse = rootfsInUse != null ? rootfsInUse : rootfsInUse();
                            ociInUse = ociInUse != null ? ociInUse : ociInUse();
                            layout.remove(entry.name(), ociInUse);
                            deleteImage(entry.name(), rootfsInUse);
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
            inUse.addAll(layout.blobs(digest));
        }
        return inUse;
    }

    /** Root filesystem first, manifest last: an interrupted sweep leaves the manifest, so the next one finds the rootfs again. */
    private void deleteImage(String digest, Set<String> rootfsInUse) {
        Optional<Image> image = store.image(digest);
        if (image.isPresent() && !rootfsInUse.contains(image.get().initrd().toString())) {
            Path rootfs = image.get().initrd();
            if (Files.isDirectory(rootfs)) {
                deleteTree(rootfs);
            } else {
                deleteFile(rootfs);
            }
        }
        deleteFile(store.blobPath(digest));
    }

    /** A 9pfs tree is renamed out of place first, so a crash never leaves a half-deleted tree under its digest. */
    private void deleteTree(Path tree) {
        Path trash = store.newTempDir();
        try {
            Files.move(tree, trash.resolve("tree"), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        FarmDirs.deleteTree(trash);
    }

    private static void deleteFile(Path file) {
        try {
            if (Files.deleteIfExists(file)) {
                LOG.debugf("deleted %s", file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
