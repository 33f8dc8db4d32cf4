package dev.unifarm.api.config;

import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Launcher Pods ({@code unifarm.scheduler.kubernetes.*}). The API server is the client's usual
 * configuration (in-cluster service account, {@code ~/.kube/config}, {@code KUBERNETES_MASTER})
 * unless {@code master-url} names one.
 */
public interface KubernetesConfig {
    Optional<String> masterUrl();

    /** Where launcher Pods go; default the client's namespace ({@code default} outside a cluster). */
    Optional<String> namespace();

    /** The image that runs {@code dev.unifarm.scheduler.launcher.Launcher} (JRE, QEMU, the scheduler jar). */
    @WithDefault("ghcr.io/unifarm/launcher:0.1.0")
    String launcherImage();

    /** Extended resource for {@code /dev/kvm} (KubeVirt's device plugin); {@code none} requests none (TCG). */
    @WithDefault("devices.kubevirt.io/kvm")
    String kvmResource();

    @WithDefault("1")
    int kvmCount();

    /** Node labels a launcher Pod needs, e.g. {@code node-selector."unifarm.dev/kvm"=true}. */
    Map<String, String> nodeSelector();

    /** {@code key[=value][:Effect]} each; no value means operator {@code Exists}, no effect every effect. */
    Optional<List<String>> tolerations();

    /** The launcher's HTTP port: status, console, readiness. */
    @WithDefault("8080")
    int statusPort();

    /** Memory for QEMU and the launcher JVM on top of the guest's, requested and limited. */
    @WithDefault("128")
    int qemuOverheadMib();

    @WithDefault("250m")
    String cpuRequest();

    /** How long the farm waits for a launcher's {@code /status} or {@code /console}. */
    @WithDefault("PT5S")
    Duration launcherTimeout();

    /** The owner every launcher Pod gets (e.g. the farm's Deployment), so deleting it deletes them; none by default. */
    OwnerConfig owner();

    /** The launcher's (and QEMU's) uid in its Pod: never 0; 107 is KubeVirt's virt-launcher {@code qemu} user. */
    @WithDefault("107")
    long runAsUser();

    /** Its gid, also the Pod's {@code fsGroup}. */
    @WithDefault("107")
    long runAsGroup();

    /** Extra gids, e.g. the node's {@code kvm} group where {@code /dev/kvm} is {@code 0660 root:kvm}. */
    Optional<List<Long>> supplementalGroups();
}
