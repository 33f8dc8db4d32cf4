package dev.unifarm.api.farm;

import dev.unifarm.api.config.InstancesConfig;
import dev.unifarm.api.config.KubernetesConfig;
import dev.unifarm.api.config.OwnerConfig;
import dev.unifarm.api.config.UnifarmConfig;
import dev.unifarm.scheduler.AcceleratorSetting;
import dev.unifarm.scheduler.Backoff;
import dev.unifarm.scheduler.kubernetes.KubernetesScheduler;
import dev.unifarm.scheduler.kubernetes.LauncherPodConfig;
import dev.unifarm.scheduler.kubernetes.LauncherSecurity;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** {@code unifarm.scheduler.mode=kubernetes}: the client, the launcher Pods' settings and the scheduler over them. */
final class KubernetesMode {

    private KubernetesMode() {
    }

    /** Launcher Pods pull their image themselves, so the farm must push to a registry they can reach. */
    static String requireRegistry(UnifarmConfig config) {
        return config.registry().url().filter(url -> !url.isBlank()).orElseThrow(() -> new IllegalStateException(
                "unifarm.scheduler.mode=kubernetes needs unifarm.registry.url: launcher Pods pull each instance's image "
                        + "by digest from the registry the farm pushes to; set it to a registry the cluster can reach"));
    }

    static KubernetesClient client(KubernetesConfig settings) {
        Config auto = Config.autoConfigure(null);
        ConfigBuilder builder = new ConfigBuilder(auto);
        settings.masterUrl().ifPresent(builder::withMasterUrl);
        return new KubernetesClientBuilder().withConfig(builder.build()).build();
    }

    static KubernetesScheduler scheduler(UnifarmConfig config, KubernetesClient client) {
        String registry = requireRegistry(config);
        String namespace = Optional.ofNullable(client.getNamespace()).orElse("default");
        LauncherPodConfig pods = podConfig(config.scheduler().kubernetes(), namespace, registry.startsWith("http://"))
                .withAccelerator(config.scheduler().accelerator());
        InstancesConfig instances = config.instances();
        Backoff backoff = new Backoff(instances.restartBackoffInitial(), instances.restartBackoffCap(),
                instances.restartBackoffReset());
        return KubernetesScheduler.over(client, pods, backoff, config.scheduler().kubernetes().launcherTimeout());
    }

    /** @param clientNamespace where Pods go unless {@code namespace} is set */
    static LauncherPodConfig podConfig(KubernetesConfig k, String clientNamespace, boolean insecureRegistry) {
        String namespace = k.namespace().orElse(clientNamespace);
        String kvm = "none".equals(k.kvmResource()) ? null : k.kvmResource();
        List<Toleration> tolerations = k.tolerations().orElse(List.of()).stream().map(KubernetesMode::toleration).toList();
        return new LauncherPodConfig(namespace, k.launcherImage(), k.qemuOverheadMib(), k.cpuRequest(), kvm,
                kvm == null ? 0 : k.kvmCount(), k.nodeSelector(), tolerations, k.statusPort(), insecureRegistry, owner(k.owner()),
                AcceleratorSetting.auto, new LauncherSecurity(k.runAsUser(), k.runAsGroup(), k.supplementalGroups().orElse(List.of())));
    }

    /** {@code key[=value][:Effect]}. */
    static Toleration toleration(String text) {
        String[] effect = text.split(":", 2);
        String[] keyValue = effect[0].split("=", 2);
        if (keyValue[0].isBlank()) {
            throw new IllegalArgumentException("unifarm.scheduler.kubernetes.tolerations: '" + text
                    + "' has no key; write key[=value][:Effect], e.g. unifarm.dev/kvm:NoSchedule");
        }
        TolerationBuilder builder = new TolerationBuilder().withKey(keyValue[0].strip());
        if (keyValue.length == 2) {
            builder.withOperator("Equal").withValue(keyValue[1].strip());
        } else {
            builder.withOperator("Exists");
        }
        if (effect.length == 2 && !effect[1].isBlank()) {
            builder.withEffect(effect[1].strip());
        }
        return builder.build();
    }

    private static OwnerReference owner(OwnerConfig o) {
        long set = Stream.of(o.apiVersion(), o.kind(), o.name(), o.uid()).filter(Optional::isPresent).count();
        if (set == 0) {
            return null;
        }
        if (set < 4) {
            throw new IllegalArgumentException("unifarm.scheduler.kubernetes.owner needs all of api-version, kind, name "
                    + "and uid (e.g. of the farm's Deployment), or none");
        }
        return new OwnerReferenceBuilder().withApiVersion(o.apiVersion().get()).withKind(o.kind().get())
                .withName(o.name().get()).withUid(o.uid().get()).withController(true).withBlockOwnerDeletion(true).build();
    }
}
