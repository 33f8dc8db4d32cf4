package dev.unifarm.imager;

import dev.unifarm.imager.build.ImageBuilder;
import dev.unifarm.imager.model.KernelProfile;
import dev.unifarm.imager.model.RollForward;
import dev.unifarm.imager.model.TraceOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@link Imager#build} builds: a bundle already in the store, the kernel profile it boots under and the
 * app's part of its command line and root filesystem.
 *
 * @param bundleDigest the bundle's blob in the image store ({@code sha256:…})
 * @param entrypoint the main assembly the app spec names, or empty to infer it from the bundle
 * @param port the app's HTTP port, or null for an app without network
 * @param rollForward the app spec's roll-forward policy, or null for the runtimeconfig's own
 * @param compat the app spec's {@code compat}: null lets the profile decide (see {@link ImageBuilder#compat})
 * @param trace the traced variant's options, or empty for an ordinary image
 * @param exportOci also export an initrd image as an OCI image into the store's layout
 * @param checked the scratch dir {@link Bundles#check} unpacked this same bundle into, reused instead of unpacking the
 *     stored blob again; empty (or gone): the build unpacks the blob
 */
public record BuildRequest(String bundleDigest, Optional<String> entrypoint, KernelProfile profile, List<String> args,
        Map<String, String> env, Integer port, RollForward rollForward, Boolean compat, Optional<TraceOptions> trace,
        boolean exportOci, Optional<Path> checked) {

    public BuildRequest {
        entrypoint = entrypoint == null ? Optional.empty() : entrypoint;
        args = args == null ? List.of() : List.copyOf(args);
        env = env == null ? Map.of() : env;
        trace = trace == null ? Optional.empty() : trace;
        checked = checked == null ? Optional.empty() : checked;
    }

    /** A build that unpacks the stored bundle. */
    public BuildRequest(String bundleDigest, Optional<String> entrypoint, KernelProfile profile, List<String> args,
            Map<String, String> env, Integer port, RollForward rollForward, Boolean compat, Optional<TraceOptions> trace,
            boolean exportOci) {
        this(bundleDigest, entrypoint, profile, args, env, port, rollForward, compat, trace, exportOci, Optional.empty());
    }

    /** This build, reusing the bundle {@link Bundles#check} unpacked under {@code scratch} (null: none). */
    public BuildRequest withChecked(Path scratch) {
        return new BuildRequest(bundleDigest, entrypoint, profile, args, env, port, rollForward, compat, trace, exportOci,
                Optional.ofNullable(scratch));
    }
}
