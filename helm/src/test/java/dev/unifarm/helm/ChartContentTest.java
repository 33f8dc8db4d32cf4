package dev.unifarm.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** What the rendered objects say: the farm's configuration, probes, ports, secrets and the ServiceMonitor. */
class ChartContentTest {

    private static final List<HasMetadata> DEFAULTS = RenderedObjects.parse(Charts.template(null));
    private static final List<HasMetadata> ALL_ON = RenderedObjects.parse(Charts.template(Charts.ALL_ON));

    @Test
    void defaults_configureKubernetesModeTheOperatorAndAllInterfaces() throws IOException {
        Properties config = applicationProperties(DEFAULTS);

        assertThat(config).containsEntry("unifarm.scheduler.mode", "kubernetes")
                .containsEntry("unifarm.operator.enabled", "true")
                .containsEntry("unifarm.operator.lease-name", "unifarm-operator")
                .containsEntry("unifarm.scheduler.kubernetes.kvm-resource", "devices.kubevirt.io/kvm")
                .containsEntry("unifarm.scheduler.accelerator", "auto")
                .containsEntry("unifarm.scheduler.kubernetes.launcher-image", "ghcr.io/unifarm/launcher:0.1.0")
                .containsEntry("unifarm.registry.url", "http://registry.kube-system.svc.cluster.local:80")
                .containsEntry("unifarm.kernels.linux.kernel", "/opt/unifarm/kernels/linux/current/vmlinuz")
                .containsEntry("unifarm.runtimes.read-only-dirs", "/opt/unifarm/runtimes")
                .containsEntry("unifarm.data-dir", "/var/lib/unifarm")
                .containsEntry("quarkus.http.host", "0.0.0.0")
                .containsEntry("unifarm.gateway.host", "0.0.0.0")
                // Large numbers stay integers (Helm reads values as floats: 1.073741824e+09 would not parse).
                .containsEntry("unifarm.builds.max-upload-bytes", "1073741824")
                .doesNotContainKeys("unifarm.scheduler.kubernetes.tolerations", "unifarm.gateway.domain",
                        "unifarm.operator.namespaces", "unifarm.operator.public-gateway-url");
        assertThat(config.stringPropertyNames()).noneMatch(key -> key.startsWith("unifarm.scheduler.kubernetes.node-selector"));
    }

    @Test
    void defaults_deploymentProbesHealthMountsDataAndTakesTheOptionalTokenSecret() {
        Deployment deployment = only(DEFAULTS, Deployment.class);
        Container farm = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);

        assertThat(farm.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
        assertThat(farm.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
        assertThat(farm.getStartupProbe().getHttpGet().getPath()).isEqualTo("/q/health/started");
        assertThat(farm.getPorts()).extracting(p -> p.getName() + ":" + p.getContainerPort())
                .containsExactly("http:8080", "gateway:8081");
        assertThat(farm.getWorkingDir()).isEqualTo("/deployments");
        assertThat(farm.getVolumeMounts()).extracting(m -> m.getName() + ":" + m.getMountPath())
                .containsExactly("config:/deployments/config", "data:/var/lib/unifarm", "tmp:/tmp");
        assertThat(deployment.getSpec().getTemplate().getSpec().getVolumes()).filteredOn(v -> v.getName().equals("data"))
                .singleElement().satisfies(v -> assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo("unifarm-data"));
        assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("Recreate");
        EnvVar token = env(farm, "UNIFARM_API_TOKEN");
        assertThat(token.getValueFrom().getSecretKeyRef().getName()).isEqualTo("unifarm-api-token");
        assertThat(token.getValueFrom().getSecretKeyRef().getOptional()).isTrue();
        assertThat(farm.getEnv()).extracting(EnvVar::getName).doesNotContain("QUARKUS_PROFILE");
        // The operator watches the Pod's own namespace (the Role's), and statuses show the gateway Service.
        assertThat(env(farm, "POD_NAMESPACE").getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");
        assertThat(env(farm, "UNIFARM_OPERATOR_NAMESPACES").getValue()).isEqualTo("$(POD_NAMESPACE)");
        assertThat(env(farm, "UNIFARM_OPERATOR_PUBLIC_GATEWAY_URL").getValue())
                .isEqualTo("http://unifarm-gateway.$(POD_NAMESPACE).svc:8081");
        assertThat(farm.getEnv()).extracting(EnvVar::getName).startsWith("POD_NAMESPACE");
        assertThat(DEFAULTS).noneMatch(o -> o instanceof Secret);
    }

    @Test
    void defaults_launcherPodsRunAsKubeVirtsNonRootUidWithNoExtraGroups() throws IOException {
        Properties config = applicationProperties(DEFAULTS);

        assertThat(config).containsEntry("unifarm.scheduler.kubernetes.run-as-user", "107")
                .containsEntry("unifarm.scheduler.kubernetes.run-as-group", "107")
                .doesNotContainKey("unifarm.scheduler.kubernetes.supplemental-groups");
    }

    @Test
    void allOn_operatorsLauncherUidGidAndTheNodesKvmGroupReachTheFarmConfig() throws IOException {
        Properties config = applicationProperties(ALL_ON);

        assertThat(config).containsEntry("unifarm.scheduler.kubernetes.run-as-user", "2000")
                .containsEntry("unifarm.scheduler.kubernetes.run-as-group", "2000")
                // Integers, not floats (1.000036e+06): Helm reads numbers in values as floats.
                .containsEntry("unifarm.scheduler.kubernetes.supplemental-groups", "36,1000036");
    }

    @Test
    void defaults_farmRunsNonRootOnAReadOnlyRootWithNoCapabilitiesUnderRuntimeDefault() {
        PodSpec pod = only(DEFAULTS, Deployment.class).getSpec().getTemplate().getSpec();
        Container farm = pod.getContainers().get(0);

        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(farm.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(farm.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(farm.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(farm.getSecurityContext().getCapabilities().getAdd()).isNullOrEmpty();
        // The JVM's temporary files (Vert.x cache, hsperfdata) on a volume; everything else is in the data dir.
        assertThat(pod.getVolumes()).filteredOn(v -> v.getName().equals("tmp")).singleElement()
                .satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());
    }

    @Test
    void defaults_servicesExposeApiAndGatewayToTheFarmPods() {
        Map<String, Service> services = DEFAULTS.stream().filter(Service.class::isInstance).map(Service.class::cast)
                .collect(Collectors.toMap(s -> s.getMetadata().getName(), s -> s));

        assertThat(services.get("unifarm").getSpec().getPorts()).singleElement()
                .satisfies(p -> assertThat(p.getPort() + "->" + p.getTargetPort().getStrVal()).isEqualTo("8080->http"));
        assertThat(services.get("unifarm-gateway").getSpec().getPorts()).singleElement()
                .satisfies(p -> assertThat(p.getPort() + "->" + p.getTargetPort().getStrVal()).isEqualTo("8081->gateway"));
        Map<String, String> podLabels = only(DEFAULTS, Deployment.class).getSpec().getTemplate().getMetadata().getLabels();
        assertThat(services.values()).allSatisfy(s -> assertThat(podLabels).containsAllEntriesOf(s.getSpec().getSelector()));
    }

    @Test
    void allOn_launcherPlacementRegistryAndKernelProfilesReachTheFarmConfig() throws IOException {
        Properties config = applicationProperties(ALL_ON);

        assertThat(config)
                .containsEntry("unifarm.scheduler.kubernetes.node-selector.\"unifarm.dev/kvm\"", "true")
                .containsEntry("unifarm.scheduler.kubernetes.tolerations",
                        "unifarm.dev/kvm:NoSchedule,example.test/dedicated=unifarm:NoExecute,example.test/any")
                .containsEntry("unifarm.scheduler.kubernetes.status-port", "8090")
                .containsEntry("unifarm.scheduler.accelerator", "kvm")
                .containsEntry("unifarm.registry.url", "https://registry.example.test")
                .containsEntry("unifarm.kernels.unikraft-oci.kernel-oci",
                        "registry.example.test/unikraft/elfloader@sha256:" + "0".repeat(64))
                .containsEntry("unifarm.kernels.unikraft-oci.non-pie-via-interpreter", "true")
                .containsEntry("unifarm.kernels.unikraft-oci.stack-start", "0x400040000")
                .containsEntry("unifarm.kernels.unikraft-elfloader-9pfs.delivery", "9pfs")
                .containsEntry("unifarm.runtimes.read-only-dirs", "/opt/unifarm/runtimes,/opt/unifarm/more-runtimes")
                .containsEntry("unifarm.gateway.domain", "apps.example.test")
                .containsEntry("unifarm.operator.namespaces", "unifarm,team-a,team-b")
                .containsEntry("unifarm.operator.public-gateway-url", "https://apps.example.test")
                .containsEntry("unifarm.operator.lease-name", "unifarm-all-on-operator")
                .containsEntry("unifarm.builds.max-upload-bytes", "2147483648")
                // extraConfig comes last and reaches Quarkus verbatim.
                .containsEntry("quarkus.http.limits.max-body-size", "2200M")
                .containsEntry("quarkus.log.category.\"dev.unifarm\".level", "DEBUG");
    }

    @Test
    void allOn_postgresqlAndTokenComeFromSecrets() {
        Container farm = only(ALL_ON, Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);

        assertThat(env(farm, "QUARKUS_PROFILE").getValue()).isEqualTo("postgresql");
        // Set in the config file instead; env would win over it.
        assertThat(farm.getEnv()).extracting(EnvVar::getName)
                .doesNotContain("UNIFARM_OPERATOR_NAMESPACES", "UNIFARM_OPERATOR_PUBLIC_GATEWAY_URL");
        for (String name : List.of("JDBC_URL", "USERNAME", "PASSWORD")) {
            assertThat(env(farm, "QUARKUS_DATASOURCE_POSTGRESQL_" + name).getValueFrom().getSecretKeyRef().getName())
                    .isEqualTo("unifarm-postgresql");
        }
        Secret token = only(ALL_ON, Secret.class);
        assertThat(env(farm, "UNIFARM_API_TOKEN").getValueFrom().getSecretKeyRef().getName())
                .isEqualTo(token.getMetadata().getName());
        assertThat(env(farm, "UNIFARM_API_TOKEN").getValueFrom().getSecretKeyRef().getOptional()).isFalse();
        assertThat(new String(Base64.getDecoder().decode(token.getData().get("token")), StandardCharsets.UTF_8))
                .isEqualTo("all-on-test-token-0123456789");
        // ReadWriteMany volume: replicas may overlap during a rollout.
        assertThat(only(ALL_ON, Deployment.class).getSpec().getStrategy()).isNull();
    }

    @Test
    void allOn_serviceMonitorScrapesQuarkusMetricsOnTheApiService() {
        GenericKubernetesResource monitor = only(ALL_ON, GenericKubernetesResource.class);
        Service api = ALL_ON.stream().filter(Service.class::isInstance).map(Service.class::cast)
                .filter(s -> s.getMetadata().getName().equals("unifarm-all-on")).findFirst().orElseThrow();

        assertThat(monitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
        List<Map<String, Object>> endpoints = monitor.get("spec", "endpoints");
        assertThat(endpoints).singleElement().satisfies(e -> assertThat(e).containsEntry("path", "/q/metrics")
                .containsEntry("port", api.getSpec().getPorts().get(0).getName()));
        Map<String, String> selector = monitor.get("spec", "selector", "matchLabels");
        assertThat(api.getMetadata().getLabels()).containsAllEntriesOf(selector);
    }

    static Properties applicationProperties(List<HasMetadata> objects) throws IOException {
        ConfigMap config = objects.stream().filter(ConfigMap.class::isInstance).map(ConfigMap.class::cast)
                .filter(c -> c.getMetadata().getName().endsWith("-config")).findFirst().orElseThrow();
        Properties properties = new Properties();
        properties.load(new StringReader(config.getData().get("application.properties")));
        return properties;
    }

    static <T extends HasMetadata> T only(List<HasMetadata> objects, Class<T> type) {
        List<T> found = objects.stream().filter(type::isInstance).map(type::cast).toList();
        assertThat(found).as("objects of type %s", type.getSimpleName()).hasSize(1);
        return found.get(0);
    }

    private static EnvVar env(Container container, String name) {
        return container.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no env " + name + " in " + container.getEnv()));
    }
}
