package dev.unifarm.api.apps;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unifarm.api.farm.KernelProfiles;
import dev.unifarm.imager.model.KernelProfile;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * The kernel profile a revision was built for: its spec's {@code kernel}, default {@code linux}.
 * Read leniently (no spec validation), so a revision whose spec names a profile since removed from
 * the configuration, or that failed to build, still tells which kernel it meant.
 */
@ApplicationScoped
public class RevisionKernels {

    private final RevisionRepository revisions;
    private final KernelProfiles kernels;
    private final ObjectMapper json;

    RevisionKernels(RevisionRepository revisions, KernelProfiles kernels, ObjectMapper json) {
        this.revisions = revisions;
        this.kernels = kernels;
        this.json = json;
    }

    /** The profile's name as the revision's spec gives it; empty when the revision is gone. */
    public Optional<String> name(String app, int revision) {
        return revisions.find(app, revision).map(row -> kernelOf(row.specJson()));
    }

    /** The configured profile of that name; empty when the revision is gone or the profile no longer configured. */
    public Optional<KernelProfile> profile(String app, int revision) {
        return name(app, revision).flatMap(kernels::get);
    }

    private String kernelOf(String specJson) {
        if (specJson == null || specJson.isBlank()) {
            return KernelProfiles.DEFAULT;
        }
        try {
            String kernel = json.readTree(specJson).path("kernel").asText("");
            return kernel.isEmpty() ? KernelProfiles.DEFAULT : kernel;
        } catch (JsonProcessingException e) {
            return KernelProfiles.DEFAULT; // stored specs were parsed once; this is not reached
        }
    }
}
