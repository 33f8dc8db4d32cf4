package dev.unifarm.imager.rootfs;

/**
 * The root filesystem as two layers written one after the other into one cpio archive: {@code base}
 * (runtime, libraries, system stand-ins) and {@code app} (the bundle under {@code /app}). Their paths
 * do not overlap, so the archive is the same tree as one sorted layer, minus the order.
 */
public record RootfsLayers(RootfsTree base, RootfsTree app) {

    /** Both layers as one tree (for a 9pfs root, which is a directory, not a stream). */
    public RootfsTree merged() {
        RootfsTree all = new RootfsTree();
        base.entries().forEach(all::add);
        app.entries().forEach(all::add);
        return all;
    }

    public int entryCount() {
        return base.entries().size() + app.entries().size();
    }
}
