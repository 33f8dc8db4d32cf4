package dev.unifarm.api.builds;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unifarm.api.apps.AppSpec;
import dev.unifarm.api.apps.AppSpecParser;
import dev.unifarm.api.apps.RevisionRecorded;
import dev.unifarm.api.apps.RevisionRepository;
import dev.unifarm.api.config.UnifarmConfig;
import dev.unifarm.api.farm.DaemonThreads;
import dev.unifarm.api.farm.FarmDirs;
import dev.unifarm.api.farm.FarmRegistry;
import dev.unifarm.api.farm.KernelProfiles;
import dev.unifarm.imager.BuiltImage;
import dev.unifarm.imager.Imager;
import dev.unifarm.imager.model.Image;
import dev.unifarm.imager.model.ImagerException;
import dev.unifarm.imager.model.KernelProfile;
import dev.unifarm.imager.model.OciImage;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/**
 * Builds revisions in the background, a bounded number at a time. Builds read only the stored bundle
 * blob and the revision row, so a revision left {@code Pending} or {@code Building} by a crash is
 * simply built again at the next start.
 */
@ApplicationScoped
public class BuildQueue {

    private static final Logger LOG = Logger.getLogger(BuildQueue.class);

    private final RevisionRepository revisions;
    private final AppSpecParser specs;
    private final ImageRecipe recipe;
    private final Imager imager;
    private final KernelProfiles profiles;
    private final FarmDirs dirs;
    private final FarmRegistry registry;
    private final ObjectMapper json;
    private final BuildProgress progress;
    private final BuildMetrics metrics;
    private final ExecutorService executor;

    BuildQueue(RevisionRepository revisions, AppSpecParser specs, ImageRecipe recipe, Imager imager, KernelProfiles profiles,
            FarmDirs dirs, FarmRegistry registry, ObjectMapper json, UnifarmConfig config, BuildProgress progress,
            BuildMetrics metrics) {
        this.progress = progress;
        this.metrics = metrics;
        this.revisions = revisions;
        this.specs = specs;
        this.recipe = recipe;
        this.imager = imager;
        this.profiles = profiles;
        this.dirs = dirs;
        this.registry = registry;
        this.json = json;
        this.executor = Executors.newFixedThreadPool(config.builds().concurrency(), DaemonThreads.named("image-build"));
    }

    void resumeUnfinished(@Observes StartupEvent event) {
        FarmDirs.deleteTree(dirs.work());
        for (RevisionRepository.RevisionRow row : revisions.unfinished()) {
            LOG.infof("resuming the build of %s revision %d", row.app(), row.number());
            submit(row.app(), row.number(), null);
        }
    }

    void shutdown(@Observes ShutdownEvent event) {
        executor.shutdownNow();
    }

    /** Every revision recorded (an upload, a new spec) is built. */
    void onRecorded(@Observes RevisionRecorded revision) {
        submit(revision.app(), revision.number(), revision.checked());
    }

    /** Queues the build; {@code checked}: the bundle the upload's check unpacked there (the build deletes it), or null. */
    private void submit(String app, int number, Path checked) {
        executor.submit(() -> {
            try {
                build(app, number, checked);
            } finally {
                if (checked != null) {
                    FarmDirs.deleteTree(checked);
                }
            }
        });
    }

    /** The spec's kernel profile (default linux); one removed from the configuration since the upload fails the build. */
    private KernelProfile profile(AppSpec spec) {
        String name = spec.kernel() != null ? spec.kernel() : KernelProfiles.DEFAULT;
        return profiles.get(name).orElseThrow(() -> new ImagerException("invalid-spec", "spec.kernel \"" + name
                + "\" is no longer a kernel profile of this farm; available: " + profiles.names()));
    }

    /** A profile mismatch names the profiles that would take the image. */
    private String withProfileHint(ImagerException e) {
        if (!"profile-mismatch".equals(e.type()) || profiles.ninePNames().isEmpty()) {
            return e.getMessage();
        }
        return e.getMessage() + " (9pfs profiles of this farm: " + String.join(", ", profiles.ninePNames()) + ")";
    }

    /** Pushes to the configured registry, if any; a failed push leaves the image local only (the build log says why). */
    private String push(String app, OciImage oci, List<String> log) {
        if (!registry.configured()) {
            log.add("registry: none configured, the image stays in the store's OCI layout");
            return null;
        }
        try {
            String reference = registry.push(oci, app);
            log.add("registry: pushed " + reference);
            return reference;
        } catch (ImagerException e) {
            LOG.warnf("pushing %s to the registry failed: %s", app, e.getMessage());
            log.add("registry: push failed, the image stays local only: " + e.getMessage());
            return null;
        }
    }

    private void build(String app, int number, Path checked) {
        Optional<RevisionRepository.RevisionRow> found = revisions.find(app, number);
        if (found.isEmpty()) {
            return; // the app was deleted meanwhile
        }
        RevisionRepository.RevisionRow row = found.get();
        List<String> log = progress.start(app, number);
        revisions.markBuilding(app, number);
        Path work = dirs.newWorkDir("build-" + app + "-");
        long started = System.nanoTime();
        try {
            AppSpec spec = specs.parse(row.specJson());
            BuiltImage built = imager.build(recipe.request(spec, row.bundleDigest(), profile(spec), null, true).withChecked(checked), work,
                    log::add);
            Image image = built.image();
            String ociDigest = built.oci().map(OciImage::digest).orElse(null);
            String ociReference = built.oci().map(oci -> push(app, oci, log)).orElse(null);
            revisions.markReady(app, number, image.digest(), ociDigest, ociReference, json.writeValueAsString(image.manifest().sizes()),
                    String.join("\n", log));
            metrics.ready(System.nanoTime() - started);
            LOG.infof("built %s revision %d: %s", app, number, image.digest());
        } catch (ImagerException e) {
            String message = withProfileHint(e);
            log.add("error: " + message);
            revisions.markFailed(app, number, message, String.join("\n", log));
            metrics.failed(e.type(), System.nanoTime() - started);
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.errorf(e, "build of %s revision %d failed", app, number);
            log.add("error: " + e);
            revisions.markFailed(app, number, "the build failed unexpectedly: " + e.getMessage(), String.join("\n", log));
            metrics.failed(BuildMetrics.INTERNAL, System.nanoTime() - started);
        } finally {
            progress.finish(app, number);
            FarmDirs.deleteTree(work);
        }
    }
}
