package dev.unifarm.api.farm;

import dev.unifarm.api.config.ContainmentConfig;
import dev.unifarm.api.config.InstancesConfig;
import dev.unifarm.api.config.BuildsConfig;
import dev.unifarm.api.config.UnifarmConfig;
import dev.unifarm.imager.Bundles;
import dev.unifarm.imager.Imager;
import dev.unifarm.imager.ImagerSettings;
import dev.unifarm.imager.Images;
import dev.unifarm.imager.Runtimes;
import dev.unifarm.imager.model.KernelProfile;
import dev.unifarm.scheduler.AcceleratorChoice;
import dev.unifarm.scheduler.Backoff;
import dev.unifarm.scheduler.Capacity;
import dev.unifarm.scheduler.ContainmentSettings;
import dev.unifarm.scheduler.Lifecycle;
import dev.unifarm.scheduler.Scheduler;
import dev.unifarm.scheduler.kubernetes.KubernetesScheduler;
import dev.unifarm.scheduler.local.LocalOptions;
import dev.unifarm.scheduler.local.LocalScheduler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;
import java.time.Duration;
import java.util.List;
import org.jboss.logging.Logger;

/** Wires the imager and scheduler libraries into the application, configured from {@link UnifarmConfig}. */
@ApplicationScoped
public class FarmParts {

    private static final Logger LOG = Logger.getLogger(FarmParts.class);

    @Produces
    @Singleton
    KernelProfiles kernelProfiles(UnifarmConfig config) {
        return KernelProfiles.from(config.kernels());
    }

    /** The default profile ({@code linux}), for code that boots without an app spec. */
    @Produces
    @Singleton
    KernelProfile linuxProfile(KernelProfiles profiles) {
        return profiles.defaultProfile();
    }

    /**
     * The imager's entry point over the farm's stores: builds from a stored bundle to an image and its OCI export, and
     * the views the services use (bundle intake, images, runtimes).
     */
    @Produces
    @Singleton
    Imager imager(UnifarmConfig config, FarmDirs dirs) {
        BuildsConfig builds = config.builds();
        return Imager.open(new ImagerSettings(dirs.store(), config.runtimes().dir().toAbsolutePath().normalize(),
                config.runtimes().readOnlyDirs().orElse(List.of()).stream().map(p -> p.toAbsolutePath().normalize()).toList(),
                dirs.layerCache(), builds.maxBundleBytes(), builds.maxBundleEntries(), config.runtimes().maxArchiveBytes()));
    }

    @Produces
    @Singleton
    Bundles bundles(Imager imager) {
        return imager.bundles();
    }

    @Produces
    @Singleton
    Images images(Imager imager) {
        return imager.images();
    }

    @Produces
    @Singleton
    Runtimes runtimes(Imager imager) {
        return imager.runtimes();
    }

    /** QEMU on this host ({@code unifarm.scheduler.mode=local}, the default) or launcher Pods ({@code kubernetes}). */
    @Produces
    @Singleton
    Scheduler scheduler(UnifarmConfig config, FarmAccelerator accelerator, jakarta.enterprise.inject.Instance<KubernetesClient> kubernetes,
            FarmDirs dirs) {
        return switch (config.scheduler().mode()) {
            case local -> localScheduler(config, accelerator.choice(), dirs);
            case kubernetes -> {
                KubernetesMode.requireRegistry(config); // before a client is made for nothing
                KubernetesScheduler scheduler = KubernetesMode.scheduler(config, kubernetes.get());
                LOG.infof("instances run in launcher Pods (image %s) on %s, API server %s",
                        config.scheduler().kubernetes().launcherImage(), scheduler.node(), kubernetes.get().getMasterUrl());
                yield scheduler;
            }
        };
    }

    /** Only made in Kubernetes mode (the scheduler asks for it), closed with the farm. */
    @Produces
    @Singleton
    KubernetesClient kubernetesClient(UnifarmConfig config) {
        return KubernetesMode.client(config.scheduler().kubernetes());
    }

    void closeKubernetesClient(@Disposes KubernetesClient client) {
        client.close();
    }

    private static LocalScheduler localScheduler(UnifarmConfig config, AcceleratorChoice accel, FarmDirs dirs) {
        InstancesConfig instances = config.instances();
        ContainmentConfig contain = instances.containment();
        LocalOptions options = LocalOptions.onThisHost(accel.accelerator()).withContainment(new ContainmentSettings(contain.enabled(),
                contain.uidFirst(), contain.uidCount(), contain.memoryHeadroomMib(), contain.memoryLimitMib(), contain.cpus(), contain.pidsMax(),
                contain.guestOutbound()));
        LOG.info(options.describeContainment());
        if (options.ownUsers()) {
            dirs.fence();
        }
        var configured = instances.capacity();
        Capacity host = Capacity.ofHost();
        Capacity capacity = new Capacity(configured.memoryMib().orElse(host.memoryMiB()), configured.vcpus().orElse(host.vcpus()),
                configured.overheadMib(), configured.maxBooting().orElse(host.maxBooting()));
        LOG.infof("local capacity: %d MiB, %d vCPUs, %d MiB overhead per instance, %d boots at once",
                capacity.memoryMiB(), capacity.vcpus(), capacity.overheadMiB(), capacity.maxBooting());
        Duration bootTimeout = instances.bootTimeout().orElse(Lifecycle.defaultBootTimeout(accel.accelerator()));
        Lifecycle lifecycle = new Lifecycle(instances.powerdownWait(), instances.stopGrace(), instances.qmpTimeout(),
                new Backoff(instances.restartBackoffInitial(), instances.restartBackoffCap(), instances.restartBackoffReset()),
                instances.watchdogGrace(), bootTimeout);
        return new LocalScheduler(options.withLifecycle(lifecycle).withCapacity(capacity));
    }

    /** Probes the accelerator at start-up, so its choice and the reason are in the start-up log. */
    void announceScheduler(@Observes StartupEvent event, Scheduler scheduler, FarmAccelerator accelerator) {
        if (scheduler instanceof LocalScheduler local) {
            LOG.infof("instances run under QEMU with %s on node %s (%s; boot bound %s)", local.accelerator(), local.node(),
                    accelerator.choice().reason(), local.lifecycle().bootTimeout());
        }
    }

    /**
     * No QEMU outlives the farm: stopping it stops every instance it runs. Launcher Pods do outlive it:
     * the next farm process re-attaches to them ({@code InstanceRecovery}). First of the shutdown
     * observers, and close returns once the ends are recorded: the recorder's executors and the
     * database are still up ({@code Stopped}, "stopped by the farm as it shut down").
     */
    void stopInstances(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent event, Scheduler scheduler) {
        scheduler.close();
    }
}
