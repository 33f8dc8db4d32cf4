package dev.unifarm.api.instances;

import dev.unifarm.api.apps.AppService;
import dev.unifarm.api.farm.FarmDirs;
import dev.unifarm.imager.ImageStore;
import dev.unifarm.imager.KernelProfile;
import dev.unifarm.scheduler.Accelerator;
import dev.unifarm.scheduler.AdoptRequest;
import dev.unifarm.scheduler.Adoption;
import dev.unifarm.scheduler.InstanceStatus;
import dev.unifarm.scheduler.LocalScheduler;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * At start-up, settles instances a previous farm process left live (DESIGN section 6: adopted or
 * cleaned up, never forgotten). An instance whose QEMU is still running in its dir and answers QMP is
 * adopted: the scheduler supervises it again with its recorded state and timestamps, its console
 * continues, and it can be stopped. Any other is cleaned up: its QEMU, if one is left, is killed and
 * the record marked {@code Failed} with reason {@code FarmRestarted}.
 */
@ApplicationScoped
public class InstanceRecovery {

    private static final Logger LOG = Logger.getLogger(InstanceRecovery.class);
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);

    private final InstanceRepository instances;
    private final FarmDirs dirs;
    private final LocalScheduler scheduler;
    private final AppService apps;
    private final ImageStore images;
    private final InstanceMetrics metrics;

    InstanceRecovery(InstanceRepository instances, FarmDirs dirs, LocalScheduler scheduler, AppService apps, ImageStore images,
            InstanceMetrics metrics) {
        this.metrics = metrics;
        this.instances = instances;
        this.dirs = dirs;
        this.scheduler = scheduler;
        this.apps = apps;
        this.images = images;
    }

    void settle(@Observes StartupEvent event) {
        for (Instance instance : instances.live()) {
            Adoption.Finding finding;
            try {
                finding = scheduler.adopt(new AdoptRequest(instance.id(), dirs.instance(instance.id()), exitDetection(instance),
                        recorded(instance)), status -> {
                            instances.update(status);
                            metrics.changed(instance.app(), instance.createdAt(), status);
                        });
            } catch (RuntimeException e) {
                finding = new Adoption.Finding(java.util.Optional.empty(), false, "adoption failed: " + e.getMessage());
                LOG.warnf(e, "cannot adopt instance %s", instance.id());
            }
            if (finding.adoptable()) {
                LOG.infof("instance %s was %s when the farm stopped; adopted its running QEMU", instance.id(), instance.state());
                continue;
            }
            boolean killed = Adoption.kill(finding.qemu(), KILL_WAIT);
            instances.markFailed(instance.id(), "FarmRestarted", "the farm restarted while this instance was "
                    + instance.state() + " and " + finding.why() + (killed ? "; its QEMU was stopped" : ""), Instant.now());
            LOG.warnf("instance %s was %s when the farm stopped and %s; marked Failed", instance.id(), instance.state(),
                    finding.why());
        }
        metrics.refresh();
    }

    /** How the app's end shows, from its image; the default profile's when the image is gone. */
    private KernelProfile.ExitDetection exitDetection(Instance instance) {
        try {
            String digest = apps.revision(instance.app(), instance.revision()).imageDigest();
            return images.image(digest).map(image -> image.manifest().boot().exitDetection())
                    .orElse(KernelProfile.ExitDetection.LINUX_PANIC);
        } catch (RuntimeException e) {
            return KernelProfile.ExitDetection.LINUX_PANIC;
        }
    }

    private static InstanceStatus recorded(Instance i) {
        Accelerator accel = i.accel() == null ? null : Accelerator.valueOf(i.accel());
        return new InstanceStatus(i.id(), i.state(), i.exitCode(), i.reason(), i.message(), accel, i.node(), i.createdAt(),
                i.startedAt(), i.readyAt(), i.finishedAt(), i.endpoint(), i.restarts());
    }
}
