package dev.unifarm.api.farm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import dev.unifarm.api.config.KubernetesConfig;
import dev.unifarm.api.config.SchedulerMode;
import dev.unifarm.api.config.UnifarmConfig;
import dev.unifarm.scheduler.kubernetes.LauncherPodConfig;
import dev.unifarm.scheduler.kubernetes.LauncherSecurity;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code unifarm.scheduler.kubernetes.*} read as the farm reads it, and the mistakes that stop start-up. */
class KubernetesModeConfigTest {

    private static UnifarmConfig config(Map<String, String> properties) {
        Map<String, String> all = new HashMap<>(Map.of("unifarm.data-dir", "/tmp/farm", "unifarm.runtimes.dir", "/tmp/farm/runtimes",
                "unifarm.scheduler.mode", "kubernetes"));
        all.putAll(properties);
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(UnifarmConfig.class)
                .withSources(new PropertiesConfigSource(all, "test", 100)).build();
        return config.getConfigMapping(UnifarmConfig.class);
    }

    @Test
    void testRequireRegistry_kubernetesModeWithoutRegistryStopsStartUpSayingWhatToSet() {
        UnifarmConfig config = config(Map.of());
        assertThat(config.scheduler().mode()).isEqualTo(SchedulerMode.kubernetes);

        assertThatIllegalStateException().isThrownBy(() -> KubernetesMode.requireRegistry(config))
                .withMessageContaining("unifarm.registry.url");
        assertThat(KubernetesMode.requireRegistry(config(Map.of("unifarm.registry.url", "http://10.0.0.5:5000"))))
                .isEqualTo("http://10.0.0.5:5000");
    }

    @Test
    void testPodConfig_defaults() {
        LauncherPodConfig pods = KubernetesMode.podConfig(config(Map.of()).scheduler().kubernetes(), "from-client", false);

        assertThat(pods).isEqualTo(LauncherPodConfig.defaults("from-client", "ghcr.io/unifarm/launcher:0.1.0"));
    }

    @Test
    void testPodConfig_everyKey() {
        LauncherPodConfig pods = KubernetesMode.podConfig(config(Map.ofEntries(
                Map.entry("unifarm.scheduler.kubernetes.namespace", "farm"),
                Map.entry("unifarm.scheduler.kubernetes.launcher-image", "launcher:2"),
                Map.entry("unifarm.scheduler.kubernetes.kvm-resource", "none"),
                Map.entry("unifarm.scheduler.kubernetes.node-selector.\"unifarm.dev/kvm\"", "true"),
                Map.entry("unifarm.scheduler.kubernetes.tolerations", "unifarm.dev/kvm:NoSchedule,dedicated=farm"),
                Map.entry("unifarm.scheduler.kubernetes.status-port", "9000"),
                Map.entry("unifarm.scheduler.kubernetes.qemu-overhead-mib", "64"),
                Map.entry("unifarm.scheduler.kubernetes.cpu-request", "1"),
                Map.entry("unifarm.scheduler.kubernetes.owner.api-version", "apps/v1"),
                Map.entry("unifarm.scheduler.kubernetes.owner.kind", "Deployment"),
                Map.entry("unifarm.scheduler.kubernetes.owner.name", "unifarm"),
                Map.entry("unifarm.scheduler.kubernetes.owner.uid", "0b6d7c2e"),
                Map.entry("unifarm.scheduler.kubernetes.run-as-user", "2000"),
                Map.entry("unifarm.scheduler.kubernetes.run-as-group", "3000"),
                Map.entry("unifarm.scheduler.kubernetes.supplemental-groups", "36,78"))).scheduler().kubernetes(), "ignored", true);

        assertThat(pods.namespace()).isEqualTo("farm");
        assertThat(pods.launcherImage()).isEqualTo("launcher:2");
        assertThat(pods.kvmResource()).as("none = TCG").isNull();
        assertThat(pods.kvmCount()).isZero();
        assertThat(pods.nodeSelector()).containsExactly(Map.entry("unifarm.dev/kvm", "true"));
        assertThat(pods.tolerations()).extracting(t -> t.getKey() + "|" + t.getOperator() + "|" + t.getValue() + "|" + t.getEffect())
                .containsExactly("unifarm.dev/kvm|Exists|null|NoSchedule", "dedicated|Equal|farm|null");
        assertThat(pods.statusPort()).isEqualTo(9000);
        assertThat(pods.qemuOverheadMiB()).isEqualTo(64);
        assertThat(pods.cpuRequest()).isEqualTo("1");
        assertThat(pods.registryInsecure()).isTrue();
        assertThat(pods.owner().getKind() + "/" + pods.owner().getName() + "/" + pods.owner().getUid())
                .isEqualTo("Deployment/unifarm/0b6d7c2e");
        assertThat(pods.security()).isEqualTo(new LauncherSecurity(2000, 3000, List.of(36L, 78L)));
    }

    @Test
    void testPodConfig_launcherAsRootIsRefusedSayingWhatToSet() {
        KubernetesConfig root = config(Map.of("unifarm.scheduler.kubernetes.run-as-user", "0")).scheduler().kubernetes();

        assertThatIllegalArgumentException().isThrownBy(() -> KubernetesMode.podConfig(root, "ns", false))
                .withMessageContaining("run-as-user").withMessageContaining("non-root");
    }

    @Test
    void testPodConfig_halfAnOwnerOrAKeylessTolerationIsRefused() {
        KubernetesConfig halfOwner = config(Map.of("unifarm.scheduler.kubernetes.owner.kind", "Deployment"))
                .scheduler().kubernetes();
        assertThatIllegalArgumentException().isThrownBy(() -> KubernetesMode.podConfig(halfOwner, "ns", false))
                .withMessageContaining("api-version, kind, name and uid");
        KubernetesConfig keyless = config(Map.of("unifarm.scheduler.kubernetes.tolerations", ":NoSchedule"))
                .scheduler().kubernetes();
        assertThatIllegalArgumentException().isThrownBy(() -> KubernetesMode.podConfig(keyless, "ns", false))
                .withMessageContaining("key[=value][:Effect]");
    }
}
