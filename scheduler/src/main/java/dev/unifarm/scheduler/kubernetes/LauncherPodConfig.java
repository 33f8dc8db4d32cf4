package dev.unifarm.scheduler.kubernetes;

import dev.unifarm.scheduler.AcceleratorSetting;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;

/**
 * Farm-wide settings for launcher Pods.
 *
 * @param namespace where the Pods go
 * @param launcherImage the container image that runs {@code dev.unifarm.scheduler.launcher.Launcher}
 * @param qemuOverheadMiB added to the guest memory for the memory request and limit (QEMU + the launcher JVM)
 * @param cpuRequest a Kubernetes quantity, e.g. {@code 250m}
 * @param kvmResource extended resource name for the KVM device, e.g. {@code devices.kubevirt.io/kvm};
 *        null requests none (TCG)
 * @param kvmCount how many of {@code kvmResource} to limit to (usually 1)
 * @param statusPort the launcher's HTTP port (status, console, readiness)
 * @param registryInsecure the registry in image references speaks plain HTTP
 * @param owner owner of every launcher Pod (the farm's Deployment, later a DotnetApp); null for none
 * @param accelerator the farm's {@code unifarm.scheduler.accelerator}, handed to every launcher (which probes its node)
 * @param security the uid/gid (and supplemental groups) the launcher runs as, non-root; default {@link LauncherSecurity#DEFAULT}
 */
public record LauncherPodConfig(String namespace, String launcherImage, int qemuOverheadMiB, String cpuRequest,
        String kvmResource, int kvmCount, Map<String, String> nodeSelector, List<Toleration> tolerations,
        int statusPort, boolean registryInsecure, OwnerReference owner, AcceleratorSetting accelerator,
        LauncherSecurity security) {

    public static final int DEFAULT_STATUS_PORT = 8080;

    public LauncherPodConfig {
        nodeSelector = nodeSelector == null ? Map.of() : Map.copyOf(nodeSelector);
        tolerations = tolerations == null ? List.of() : List.copyOf(tolerations);
        if (qemuOverheadMiB < 0 || kvmCount < 0) {
            throw new IllegalArgumentException("overhead and KVM count must not be negative");
        }
        if (accelerator == null) {
            accelerator = AcceleratorSetting.auto;
        }
        if (security == null) {
            security = LauncherSecurity.DEFAULT;
        }
    }

    /** 128 MiB overhead, 250m CPU, one {@code devices.kubevirt.io/kvm}, port 8080, no owner, uid/gid 107. */
    public static LauncherPodConfig defaults(String namespace, String launcherImage) {
        return new LauncherPodConfig(namespace, launcherImage, 128, "250m", "devices.kubevirt.io/kvm", 1, Map.of(),
                List.of(), DEFAULT_STATUS_PORT, false, null, AcceleratorSetting.auto, LauncherSecurity.DEFAULT);
    }

    public LauncherPodConfig withOwner(OwnerReference reference) {
        return new LauncherPodConfig(namespace, launcherImage, qemuOverheadMiB, cpuRequest, kvmResource, kvmCount,
                nodeSelector, tolerations, statusPort, registryInsecure, reference, accelerator, security);
    }

    public LauncherPodConfig withAccelerator(AcceleratorSetting setting) {
        return new LauncherPodConfig(namespace, launcherImage, qemuOverheadMiB, cpuRequest, kvmResource, kvmCount,
                nodeSelector, tolerations, statusPort, registryInsecure, owner, setting, security);
    }

    public LauncherPodConfig withPlacement(Map<String, String> selector, List<Toleration> tolerate) {
        return new LauncherPodConfig(namespace, launcherImage, qemuOverheadMiB, cpuRequest, kvmResource, kvmCount,
                selector, tolerate, statusPort, registryInsecure, owner, accelerator, security);
    }

    public LauncherPodConfig withSecurity(LauncherSecurity runAs) {
        return new LauncherPodConfig(namespace, launcherImage, qemuOverheadMiB, cpuRequest, kvmResource, kvmCount,
                nodeSelector, tolerations, statusPort, registryInsecure, owner, accelerator, runAs);
    }
}
