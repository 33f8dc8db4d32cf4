package dev.unifarm.api.instances;

import dev.unifarm.api.apps.AppService;
import dev.unifarm.api.apps.Revision;
import dev.unifarm.api.apps.RevisionState;
import dev.unifarm.api.farm.FarmRegistry;
import dev.unifarm.api.problem.ProblemException;
import dev.unifarm.imager.Images;
import dev.unifarm.imager.model.Image;
import dev.unifarm.imager.model.ImagerException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/** What a start boots: the app's latest revision once it is built, and its image from the store or the registry. */
@ApplicationScoped
class RevisionImages {

    private final AppService apps;
    private final Images images;
    private final FarmRegistry registry;

    RevisionImages(AppService apps, Images images, FarmRegistry registry) {
        this.apps = apps;
        this.images = images;
        this.registry = registry;
    }

    /** The app's latest revision; a 409 saying why when it failed or is still building. */
    Revision latestReady(String appName) {
        Revision revision = apps.revision(appName, apps.get(appName).latestRevision());
        if (revision.state() == RevisionState.Failed) {
            throw ProblemException.conflict("revision-failed", "revision " + revision.number() + " of " + appName
                    + " failed to build: " + revision.message() + " — fix it and upload again");
        }
        if (revision.state() != RevisionState.Ready) {
            throw ProblemException.conflict("revision-not-ready", "revision " + revision.number() + " of " + appName + " is "
                    + revision.state() + "; start instances once GET /api/v1/apps/" + appName + "/revisions/"
                    + revision.number() + " says Ready");
        }
        return revision;
    }

    /**
     * The revision's image from the store; when its files are gone and a registry holds it, pulled
     * back by OCI digest first (synchronously: the start waits for the pull).
     */
    Image localOrPulled(String appName, Revision revision) {
        Optional<Image> local = images.image(revision.imageDigest()).filter(images::complete);
        if (local.isPresent()) {
            return local.get();
        }
        String missing = "the image " + revision.imageDigest() + " of " + appName + " revision " + revision.number()
                + " is not (completely) in the store";
        if (!registry.configured() || revision.ociDigest() == null || revision.ociReference() == null) {
            throw ProblemException.conflict("image-missing", missing + " and no registry holds it: upload the app again");
        }
        try {
            Image pulled = registry.pull(appName, revision.ociDigest());
            if (!pulled.digest().equals(revision.imageDigest())) {
                throw ProblemException.conflict("image-missing", missing + "; the registry's " + revision.ociReference()
                        + " holds image " + pulled.digest() + " instead");
            }
            return pulled;
        } catch (ImagerException e) {
            throw ProblemException.conflict("image-missing", missing + " and pulling " + revision.ociReference() + " failed: "
                    + e.getMessage());
        }
    }

    /** Renders the image's command line with the start's overrides, so bad ones are a 400 now, not a failed boot later. */
    void checkOverrides(Image image, StartRequest request) {
        images.checkOverrides(image, request.args(), request.env());
    }
}
