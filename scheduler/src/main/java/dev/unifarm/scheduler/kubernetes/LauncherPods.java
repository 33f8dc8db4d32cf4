package dev.unifarm.scheduler.kubernetes;

import dev.unifarm.scheduler.launcher.LauncherConfig;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The Pod that runs one instance's launcher (the KubeVirt model: Kubernetes places it). */
public final class LauncherPods {

    public static final String NAME_LABEL = "app.kubernetes.io/name";
    public static final String NAME = "unifarm-launcher";
    public static final String APP_LABEL = "unifarm.dev/app";
    public static final String INSTANCE_LABEL = "unifarm.dev/instance";
    public static final String CONTAINER = "launcher";
    static final String DATA_DIR = "/var/lib/unifarm";
    /** The JVM's {@code java.io.tmpdir} (hsperfdata, the attach socket) and, through {@code TMPDIR}, QEMU's. */
    static final String TMP_DIR = "/tmp";
    static final String GENERATION_ANNOTATION = "unifarm.dev/generation";
    static final String FORWARD_HOST = "0.0.0.0";

    private LauncherPods() {
    }

    /** {@code unifarm-<instance>-<generation>}: a restart gets a new name, so it never meets its predecessor. */
    public static String podName(String instanceId, int generation) {
        String id = instanceId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        String suffix = "-" + generation;
        String base = "unifarm-" + id;
        base = base.substring(0, Math.min(base.length(), 63 - suffix.length())).replaceAll("-+$", "");
        return base + suffix;
    }

    /** Label values: at most 63 characters of {@code [A-Za-z0-9._-]}, alphanumeric at both ends. */
    public static String labelValue(String value) {
        String cleaned = value.replaceAll("[^A-Za-z0-9._-]", "-");
        cleaned = cleaned.substring(0, Math.min(63, cleaned.length()));
        return cleaned.replaceAll("^[^A-Za-z0-9]+|[^A-Za-z0-9]+$", "");
    }

    public static Map<String, String> labels(LauncherSpec spec) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(NAME_LABEL, NAME);
        labels.put(APP_LABEL, labelValue(spec.app()));
        labels.put(INSTANCE_LABEL, labelValue(spec.instanceId()));
        return labels;
    }

    /** The generation a Pod was created for ({@code unifarm.dev/generation}), 0 when unreadable. */
    public static int generation(Pod pod) {
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        try {
            return annotations == null ? 0 : Integer.parseInt(annotations.getOrDefault(GENERATION_ANNOTATION, "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The spec a launcher Pod was made from (labels and the launcher container's env), for restarts after re-attachment. */
    public static LauncherSpec spec(String instanceId, Pod pod) {
        Map<String, String> env = new LinkedHashMap<>();
        pod.getSpec().getContainers().stream().filter(c -> CONTAINER.equals(c.getName())).findFirst()
                .ifPresent(c -> c.getEnv().forEach(e -> env.put(e.getName(), e.getValue())));
        String port = env.get(LauncherConfig.APP_PORT);
        return new LauncherSpec(instanceId, pod.getMetadata().getLabels().getOrDefault(APP_LABEL, ""), env.get(LauncherConfig.IMAGE),
                Integer.parseInt(env.get(LauncherConfig.MEMORY_MIB)), port == null ? null : Integer.valueOf(port));
    }

    public static Pod pod(LauncherPodConfig config, LauncherSpec spec, int generation) {
        Quantity memory = new Quantity((spec.memoryMiB() + config.qemuOverheadMiB()) + "Mi");
        Map<String, Quantity> requests = new LinkedHashMap<>();
        requests.put("memory", memory);
        requests.put("cpu", new Quantity(config.cpuRequest()));
        Map<String, Quantity> limits = new LinkedHashMap<>();
        limits.put("memory", memory);
        if (config.kvmResource() != null && config.kvmCount() > 0) {
            // Extended resources: the request must equal the limit; Kubernetes copies it when only the limit is set.
            Quantity kvm = new Quantity(Integer.toString(config.kvmCount()));
            limits.put(config.kvmResource(), kvm);
            requests.put(config.kvmResource(), kvm);
        }
        List<EnvVar> env = new ArrayList<>();
        env.add(new EnvVar(LauncherConfig.INSTANCE_ID, spec.instanceId(), null));
        env.add(new EnvVar(LauncherConfig.IMAGE, spec.imageReference(), null));
        env.add(new EnvVar(LauncherConfig.REGISTRY_INSECURE, Boolean.toString(config.registryInsecure()), null));
        env.add(new EnvVar(LauncherConfig.MEMORY_MIB, Integer.toString(spec.memoryMiB()), null));
        if (spec.appPort() != null) {
            env.add(new EnvVar(LauncherConfig.APP_PORT, spec.appPort().toString(), null));
        }
        env.add(new EnvVar(LauncherConfig.DATA_DIR, DATA_DIR, null));
        env.add(new EnvVar(LauncherConfig.HTTP_ADDRESS, "0.0.0.0", null));
        env.add(new EnvVar(LauncherConfig.HTTP_PORT, Integer.toString(config.statusPort()), null));
        // The Pod's own network namespace: the app's forward on every address, so the farm reaches it at the Pod's IP.
        env.add(new EnvVar(LauncherConfig.FORWARD_HOST, FORWARD_HOST, null));
        env.add(new EnvVar(LauncherConfig.ACCELERATOR, config.accelerator().name(), null));
        env.add(new EnvVar("TMPDIR", TMP_DIR, null));
        List<ContainerPort> ports = new ArrayList<>();
        ports.add(new ContainerPortBuilder().withName("status").withContainerPort(config.statusPort()).withProtocol("TCP").build());
        if (spec.appPort() != null) {
            ports.add(new ContainerPortBuilder().withName("app").withContainerPort(spec.appPort()).withProtocol("TCP").build());
        }
        PodBuilder pod = new PodBuilder()
                .withNewMetadata()
                    .withName(podName(spec.instanceId(), generation))
                    .withNamespace(config.namespace())
                    .withLabels(labels(spec))
                    .addToAnnotations(GENERATION_ANNOTATION, Integer.toString(generation))
                .endMetadata()
                .withNewSpec()
                    .withRestartPolicy("Never") // the farm restarts instances, with a new Pod
                    .withAutomountServiceAccountToken(false) // the launcher never calls the API server
                    .withSecurityContext(config.security().pod())
                    .withNodeSelector(config.nodeSelector().isEmpty() ? null : config.nodeSelector())
                    .withTolerations(config.tolerations())
                    .addToContainers(new ContainerBuilder()
                            .withName(CONTAINER)
                            .withImage(config.launcherImage())
                            .withSecurityContext(config.security().container())
                            .withArgs("--instance-id=" + spec.instanceId(), "--image=" + spec.imageReference(),
                                    "--memory-mib=" + spec.memoryMiB())
                            .withEnv(env)
                            .withPorts(ports)
                            .withNewResources()
                                .withRequests(requests)
                                .withLimits(limits)
                            .endResources()
                            .withNewReadinessProbe()
                                .withNewHttpGet()
                                    .withPath("/ready")
                                    .withNewPort("status")
                                .endHttpGet()
                                .withPeriodSeconds(2)
                                .withFailureThreshold(1)
                            .endReadinessProbe()
                            // The root filesystem is read-only: whatever the launcher writes lands on these two.
                            .addNewVolumeMount().withName("data").withMountPath(DATA_DIR).endVolumeMount()
                            .addNewVolumeMount().withName("tmp").withMountPath(TMP_DIR).endVolumeMount()
                            .build())
                    .addNewVolume().withName("data").withNewEmptyDir().endEmptyDir().endVolume()
                    .addNewVolume().withName("tmp").withNewEmptyDir().endEmptyDir().endVolume()
                .endSpec();
        if (config.owner() != null) {
            pod.editMetadata().withOwnerReferences(config.owner()).endMetadata();
        }
        return pod.build();
    }
}
