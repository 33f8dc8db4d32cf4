package dev.unifarm.api.instances;

import dev.unifarm.api.apps.AppSpec;
import dev.unifarm.api.apps.Revision;
import dev.unifarm.imager.model.Image;
import dev.unifarm.scheduler.Activation;
import dev.unifarm.scheduler.LaunchRequest;

/**
 * How a start the gateway asks for begins (issue 18): the snapshot store answers a restore where its revision has
 * a usable snapshot. Instances do not know snapshots; the caller of {@link InstanceService#start(String, ActivationChoice)}
 * brings the choice.
 */
@FunctionalInterface
public interface ActivationChoice {

    /** Every start boots (what {@code POST …/instances} does). */
    ActivationChoice BOOT = (id, app, spec, revision, image, launch) -> Activation.BOOT;

    /** How instance {@code id} of {@code revision} ({@code image}, launched as {@code launch}) begins; never null. */
    Activation choose(String id, String app, AppSpec spec, Revision revision, Image image, LaunchRequest launch);
}
