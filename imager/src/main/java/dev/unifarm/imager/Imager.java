package dev.unifarm.imager;

import dev.unifarm.imager.build.ImageBuilder;
import dev.unifarm.imager.bundle.Bundle;
import dev.unifarm.imager.bundle.BundleReader;
import dev.unifarm.imager.initrd.BaseLayerCache;
import dev.unifarm.imager.model.Image;
import dev.unifarm.imager.model.ImagerException;
import dev.unifarm.imager.model.KernelProfile;
import dev.unifarm.imager.model.OciImage;
import dev.unifarm.imager.oci.OciLayout;
import dev.unifarm.imager.oci.OciRegistry;
import dev.unifarm.imager.runtime.RuntimeStore;
import dev.unifarm.imager.store.ImageStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The imager's entry point: from a stored bundle and a {@link BuildRequest} to a {@link BuiltImage}: unpack and
 * check the bundle, build the image ({@link ImageBuilder}), and export it as an OCI image when asked. What else the
 * farm does with the imager's store goes through its views: {@link #bundles()} (intake), {@link #images()} (read,
 * export, delete), {@link #runtimes()} and {@link #registry(String)}.
 */
public final class Imager {

    private final ImageStore images;
    private final RuntimeStore runtimes;
    private final BaseLayerCache layers;
    private final BundleReader bundles;
    private final OciLayout layout;
    private final Bundles intake;
    private final Images stored;
    private final Runtimes installed;

    public Imager(ImageStore images, RuntimeStore runtimes, BaseLayerCache layers, BundleReader bundles) {
        this(images, runtimes, layers, bundles, 1L << 30);
    }

    private Imager(ImageStore images, RuntimeStore runtimes, BaseLayerCache layers, BundleReader bundles, long maxRuntimeArchiveBytes) {
        this.images = images;
        this.runtimes = runtimes;
        this.layers = layers;
        this.bundles = bundles;
        this.layout = new OciLayout(images);
        this.intake = new Bundles(images, bundles);
        this.stored = new Images(images, layout);
        // one installer: it serializes installs of the same version
        this.installed = new Runtimes(runtimes, maxRuntimeArchiveBytes);
    }

    /** An imager over the stores and limits {@code settings} name. */
    public static Imager open(ImagerSettings settings) {
        return new Imager(new ImageStore(settings.store()), new RuntimeStore(settings.runtimes(), settings.readOnlyRuntimes()),
                new BaseLayerCache(settings.layerCache()), new BundleReader(settings.maxBundleBytes(), settings.maxBundleEntries()),
                settings.maxRuntimeArchiveBytes());
    }

    public Bundles bundles() {
        return intake;
    }

    public Images images() {
        return stored;
    }

    public Runtimes runtimes() {
        return installed;
    }

    /** The OCI registry at {@code url} (e.g. {@code http://127.0.0.1:5000}), pushing from and pulling into this imager's store. */
    public Registry registry(String url) {
        return new Registry(new OciRegistry(url), images);
    }

    /**
     * Builds in {@code work} (the bundle is unpacked below it; the caller deletes it). Each log line goes to
     * {@code progress} as it is written, so a caller can show a build that is still running; a refusal is an
     * {@link ImagerException}, and the lines up to it have gone to {@code progress}.
     */
    public BuiltImage build(BuildRequest request, Path work, Consumer<String> progress) {
        long started = System.nanoTime();
        List<String> log = new ArrayList<>();
        Consumer<String> logged = line -> {
            log.add(line);
            progress.accept(line);
        };
        Bundle bundle = request.checked().map(Bundles::unpacked).filter(Files::isDirectory)
                .map(unpacked -> bundles.reread(unpacked, request.entrypoint()))
                .orElseGet(() -> bundles.read(images.blobPath(request.bundleDigest()), Bundles.unpacked(work), request.entrypoint()));
        logged.accept("bundle: " + request.bundleDigest() + ", entrypoint " + bundle.entrypoint());
        logged.accept("kernel profile: " + request.profile().name());
        Image image = ImageBuilder.forBundle(bundle)
                .runtimes(runtimes)
                .profile(request.profile())
                .args(request.args())
                .env(request.env())
                .cache(layers)
                .network(request.port() != null)
                .port(request.port())
                .rollForward(request.rollForward())
                .compat(request.compat())
                .trace(request.trace().orElse(null))
                .log(logged)
                .build(images);
        logged.accept("build: " + millisSince(started) + " ms");
        Optional<OciImage> oci = request.exportOci() ? export(image, logged) : Optional.empty();
        return new BuiltImage(image, log, oci);
    }

    private Optional<OciImage> export(Image image, Consumer<String> log) {
        if (image.manifest().boot().rootfsDelivery() != KernelProfile.Delivery.INITRD) {
            log.accept("oci: not exported (a 9pfs root is a tree, not an initrd: only initrd images are OCI images)");
            return Optional.empty();
        }
        long exporting = System.nanoTime();
        OciImage oci = layout.export(image);
        log.accept("oci: " + oci.digest() + " (OCI image manifest in the store's layout, " + millisSince(exporting) + " ms)");
        return Optional.of(oci);
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
