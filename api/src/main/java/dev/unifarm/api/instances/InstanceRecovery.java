package dev.unifarm.api.instances;

import dev.unifarm.api.apps.AppService;
import dev.unifarm.api.farm.FarmDirs;
import dev.unifarm.imager.Images;
import dev.unifarm.imager.model.CommandLineKind;
import dev.unifarm.imager.model.ImageManifest;
import dev.unifarm.imager.model.KernelProfile;
import dev.unifarm.scheduler.Accelerator;
import dev.unifarm.scheduler.AdoptRequest;
import dev.unifarm.scheduler.InstanceStatus;
import dev.unifarm.scheduler.RestartPolicy;
import dev.unifarm.scheduler.Scheduler;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * At start-up, settles instances a previous farm process left live (adopted or cleaned up, never
 * forgotten), through {@link Scheduler#reattach}. Local mode: an instance whose QEMU
 * is still running in its dir and answers QMP is adopted (recorded state and timestamps kept, console
 * continued, stoppable); one whose QEMU is gone and whose console holds the app's exit ended while the
 * farm was down and is recorded with that end ({@code Succeeded}, or {@code Failed} with its exit code
 * and diagnosis); any other has its QEMU, if one is left, killed and is marked {@code Failed}
 * with reason {@code FarmRestarted}. Kubernetes mode: an instance is re-attached to its launcher Pod
 * and supervised again under its app's restart policy, or marked {@code Failed}/{@code PodGone};
 * launcher Pods of instances the database does not have as live are deleted.
 */
@ApplicationScoped
public class InstanceRecovery {

    private static final Logger LOG = Logger.getLogger(InstanceRecovery.class);

    private final InstanceRepository instances;
    private final FarmDirs dirs;
    private final Scheduler scheduler;
    private final AppService apps;
    private final Images images;
    private final InstanceMetrics metrics;
    private final InstanceService service;

    InstanceRecovery(InstanceRepository instances, FarmDirs dirs, Scheduler scheduler, AppService apps, Images images,
            InstanceMetrics metrics, InstanceService service) {
        this.metrics = metrics;
        this.service = service;
        this.instances = instances;
        this.dirs = dirs;
        this.scheduler = scheduler;
        this.apps = apps;
        this.images = images;
    }

    void settle(@Observes StartupEvent event) {
        recover();
    }

    /**
     * Re-attaches or fails every instance the database has as live and the scheduler does not run yet,
     * then has the scheduler end whatever runs for any other instance (Kubernetes: launcher Pods of
     * instances this farm does not know).
     */
    public void recover() {
        Set<String> live = new HashSet<>();
        for (Instance instance : instances.live()) {
            if (scheduler.status(instance.id()).isPresent()) {
                live.add(instance.id());
                continue;
            }
            Optional<ImageManifest.Boot> boot = boot(instance);
            Scheduler.Reattachment outcome = scheduler.reattach(new AdoptRequest(instance.id(), dirs.instance(instance.id()),
                    boot.map(ImageManifest.Boot::exitDetection).orElse(KernelProfile.ExitDetection.LINUX_PANIC), recorded(instance),
                    boot.map(ImageManifest.Boot::commandLineKind).orElse(CommandLineKind.LINUX)), service.recorder(instance.app(), instance.revision(),
                    instance.createdAt()), restartPolicy(instance));
            if (outcome.attached()) {
                live.add(instance.id());
                LOG.infof("instance %s was %s when the farm stopped; %s", instance.id(), instance.state(), outcome.why());
                continue;
            }
            if (outcome.ended()) {
                LOG.infof("instance %s was %s when the farm stopped; %s", instance.id(), instance.state(), outcome.why());
                continue; // its end went to the recorder
            }
            instances.markFailed(instance.id(), outcome.reason(), "the farm restarted while this instance was "
                    + instance.state() + " and " + outcome.why(), Instant.now());
            LOG.warnf("instance %s was %s when the farm stopped and %s; marked Failed", instance.id(), instance.state(),
                    outcome.why());
        }
        scheduler.removeOthers(live);
        metrics.refresh();
    }

    /** The app's policy as its spec says now (the record keeps none); {@code Never} when the app is gone. */
    private RestartPolicy restartPolicy(Instance instance) {
        try {
            return RestartPolicy.of(apps.get(instance.app()).spec().restartPolicy());
        } catch (RuntimeException e) {
            return RestartPolicy.Never;
        }
    }

    /** How its image boots (the app's end, the console's kind); empty when the image is gone (then the default profile's). */
    private Optional<ImageManifest.Boot> boot(Instance instance) {
        try {
            String digest = apps.revision(instance.app(), instance.revision()).imageDigest();
            return images.image(digest).map(image -> image.manifest().boot());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static InstanceStatus recorded(Instance i) {
        Accelerator accel = i.accel() == null ? null : Accelerator.valueOf(i.accel());
        return new InstanceStatus(i.id(), i.state(), i.exitCode(), i.reason(), i.message(), accel, i.node(), i.createdAt(),
                i.startedAt(), i.readyAt(), i.finishedAt(), i.endpoint(), i.restarts());
    }
}
