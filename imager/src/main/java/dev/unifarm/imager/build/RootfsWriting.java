package dev.unifarm.imager.build;

import dev.unifarm.imager.initrd.BaseLayerCache;
import dev.unifarm.imager.initrd.InitrdWriter;
import dev.unifarm.imager.initrd.TreeWriter;
import dev.unifarm.imager.model.KernelProfile;
import dev.unifarm.imager.rootfs.RootfsLayers;
import dev.unifarm.imager.rootfs.RootfsTree;
import dev.unifarm.imager.store.ImageStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/** Puts a laid-out root filesystem into the store as the profile delivers it: a cpio initrd blob, or a 9pfs tree. */
final class RootfsWriting {

    private final ImageStore store;
    private final BaseLayerCache cache;
    private final Consumer<String> log;

    /** {@code cache}: reuses the encoded runtime layer across builds, or null to encode everything. */
    RootfsWriting(ImageStore store, BaseLayerCache cache, Consumer<String> log) {
        this.store = store;
        this.cache = cache;
        this.log = log;
    }

    /** Writes the root filesystem; its digest is the cpio's either way. */
    InitrdWriter.Written write(RootfsLayers layers, KernelProfile.Delivery delivery) {
        if (delivery == KernelProfile.Delivery.NINE_P) {
            return writeTree(layers);
        }
        long started = System.nanoTime();
        InitrdWriter.Written initrd = writeInitrd(layers);
        log.accept("initrd: " + initrd.digest() + " (" + initrd.size() + " bytes, " + layers.entryCount() + " entries; "
                + (initrd.baseCached() ? "runtime layer from cache" : "runtime layer encoded") + ", "
                + (System.nanoTime() - started) / 1_000_000 + " ms)");
        return initrd;
    }

    private InitrdWriter.Written writeInitrd(RootfsLayers layers) {
        Path temp = store.newTempFile();
        try {
            InitrdWriter.Written written = InitrdWriter.write(layers, temp, cache);
            store.putBlob(temp, written.digest());
            return written;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteQuietly(temp);
        }
    }

    /**
     * Writes the tree as a directory under the cpio digest it would have as an initrd, so a 9pfs
     * image is named by the same content as its initrd twin; an existing tree is reused.
     */
    private InitrdWriter.Written writeTree(RootfsLayers layers) {
        RootfsTree tree = layers.merged();
        InitrdWriter.Written digest;
        try {
            digest = InitrdWriter.measure(layers);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path target = store.treePath(digest.digest());
        if (Files.isDirectory(target)) {
            log.accept("9pfs tree: " + digest.digest() + " (already in the store)");
            return digest;
        }
        Path temp = store.newTempDir();
        try {
            TreeWriter.Written written = TreeWriter.write(tree, temp);
            store.putTree(temp, digest.digest());
            log.accept("9pfs tree: " + digest.digest() + " (" + tree.entries().size() + " entries)");
            if (!written.skippedDevices().isEmpty()) {
                log.accept("note: the 9pfs tree has no device nodes (" + String.join(", ", written.skippedDevices())
                        + "): the farm cannot create them without root; the kernel's devfs provides /dev");
            }
            return digest;
        } finally {
            try {
                ImageStore.deleteTree(temp);
            } catch (IOException ignored) {
                // a leftover temp tree is harmless; the store's tmp dir is not content
            }
        }
    }

    private static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // a leftover temp file is harmless; the store's tmp dir is not content
        }
    }
}
