package dev.unifarm.imager;

/**
 * The root filesystem as two layers written one after the other into one cpio archive: {@code base}
 * (runtime, libraries, system stand-ins) and {@code app} (the bundle under {@code /app}). Their paths
 * do not overlap, so the archive is the same tree as one sorted layer, minus the order.
 */
public record RootfsLayers(RootfsTree base, RootfsTree app) {

    public int entryCount() {
        return base.entries().size() + app.entries().size();
    }
}
