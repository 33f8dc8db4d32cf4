package dev.unifarm.api.builds;

import dev.unifarm.api.apps.AppSpec;
import dev.unifarm.imager.BuildRequest;
import dev.unifarm.imager.model.KernelProfile;
import dev.unifarm.imager.model.RollForward;
import dev.unifarm.imager.model.TraceOptions;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * The one way from an app spec and a revision's stored bundle to the imager's {@link BuildRequest}, for builds and
 * reference runs alike: what of the spec reaches the imager is decided here only.
 */
@ApplicationScoped
public class ImageRecipe {

    /**
     * The build of the stored bundle {@code bundleDigest} for {@code profile} as the spec says; {@code trace} null: an
     * ordinary (untraced) image; {@code exportOci}: also export it into the store's OCI layout.
     */
    public BuildRequest request(AppSpec spec, String bundleDigest, KernelProfile profile, TraceOptions trace, boolean exportOci) {
        return new BuildRequest(bundleDigest, Optional.ofNullable(spec.entrypoint()), profile, spec.argsOrEmpty(), spec.envOrEmpty(),
                spec.port(), spec.rollForward() == null ? null : RollForward.fromName(spec.rollForward()).orElseThrow(),
                spec.compatOverride(), Optional.ofNullable(trace), exportOci);
    }
}
