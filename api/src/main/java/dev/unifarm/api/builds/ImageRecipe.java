package dev.unifarm.api.builds;

import dev.unifarm.api.apps.AppSpec;
import dev.unifarm.imager.build.ImageBuilder;
import dev.unifarm.imager.bundle.Bundle;
import dev.unifarm.imager.bundle.BundleReader;
import dev.unifarm.imager.initrd.BaseLayerCache;
import dev.unifarm.imager.model.Image;
import dev.unifarm.imager.model.KernelProfile;
import dev.unifarm.imager.model.RollForward;
import dev.unifarm.imager.model.TraceOptions;
import dev.unifarm.imager.runtime.RuntimeStore;
import dev.unifarm.imager.store.ImageStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The one way from an app spec and a revision's stored bundle to an image, for builds and reference
 * runs alike: what of the spec reaches the imager is decided here only. Two steps, so a build can log
 * the bundle before it picks the kernel profile.
 */
@ApplicationScoped
public class ImageRecipe {

    private final BundleReader bundles;
    private final ImageStore images;
    private final BaseLayerCache layers;
    private final RuntimeStore runtimes;

    ImageRecipe(BundleReader bundles, ImageStore images, BaseLayerCache layers, RuntimeStore runtimes) {
        this.bundles = bundles;
        this.images = images;
        this.layers = layers;
        this.runtimes = runtimes;
    }

    /** The stored bundle {@code bundleDigest}, unpacked under {@code work}, with the spec's entrypoint. */
    public Bundle bundle(AppSpec spec, String bundleDigest, Path work) {
        return bundles.read(images.blobPath(bundleDigest), work.resolve("bundle"), Optional.ofNullable(spec.entrypoint()));
    }

    /** The image of {@code bundle} for {@code profile} as the spec says; {@code trace} null: an ordinary (untraced) image. */
    public Image image(Bundle bundle, AppSpec spec, KernelProfile profile, TraceOptions trace, Consumer<String> log) {
        return ImageBuilder.forBundle(bundle)
                .runtimes(runtimes)
                .profile(profile)
                .args(spec.argsOrEmpty())
                .env(spec.envOrEmpty())
                .cache(layers)
                .network(spec.port() != null)
                .port(spec.port())
                .rollForward(spec.rollForward() == null ? null : RollForward.fromName(spec.rollForward()).orElseThrow())
                .compat(spec.compatOverride())
                .trace(trace)
                .log(log)
                .build(images);
    }
}
