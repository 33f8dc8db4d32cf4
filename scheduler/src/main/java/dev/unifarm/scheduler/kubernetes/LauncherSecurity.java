package dev.unifarm.scheduler.kubernetes;

import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import java.util.List;

/**
 * Who a launcher Pod runs as and what it may do: the restricted Pod Security Standard (non-root, every
 * capability dropped, no privilege escalation, the runtime's default seccomp filter) plus a read-only
 * root filesystem. QEMU inside keeps its own {@code -sandbox}: the two filters stack.
 *
 * <p>{@code /dev/kvm} comes from the KVM device resource, not from privileges. The device plugin only
 * lets the container open it (cgroup {@code rw}); the file mode stays the node's. KubeVirt runs its
 * launchers as uid 107 the same way and makes the node's {@code /dev/kvm} world read-write
 * (virt-handler's node-labeller: {@code chmod o+rw /dev/kvm}); elsewhere, where it is {@code 0660 root:kvm},
 * name the node's kvm gid in {@code supplementalGroups}.
 *
 * @param runAsUser the launcher's (and QEMU's) uid; never 0
 * @param runAsGroup its gid, also the Pod's {@code fsGroup} (the emptyDir volumes are group-writable for it)
 * @param supplementalGroups extra gids, e.g. the node's {@code kvm} group; empty for none
 */
public record LauncherSecurity(long runAsUser, long runAsGroup, List<Long> supplementalGroups) {

    /** KubeVirt's non-root virt-launcher uid and gid ({@code qemu}): neither root nor the farm's (185). */
    public static final long DEFAULT_ID = 107;
    public static final LauncherSecurity DEFAULT = new LauncherSecurity(DEFAULT_ID, DEFAULT_ID, List.of());

    public LauncherSecurity {
        if (runAsUser <= 0 || runAsGroup <= 0) {
            throw new IllegalArgumentException("launcher Pods run non-root: run-as-user and run-as-group must be positive, not "
                    + runAsUser + ":" + runAsGroup + "; pick a uid/gid the launcher image does not reserve for root, e.g. 107");
        }
        supplementalGroups = supplementalGroups == null ? List.of() : List.copyOf(supplementalGroups);
    }

    public PodSecurityContext pod() {
        return new PodSecurityContextBuilder()
                .withRunAsNonRoot(true)
                .withRunAsUser(runAsUser)
                .withRunAsGroup(runAsGroup)
                .withFsGroup(runAsGroup)
                .withSupplementalGroups(supplementalGroups.isEmpty() ? null : supplementalGroups)
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .build();
    }

    public SecurityContext container() {
        return new SecurityContextBuilder()
                .withAllowPrivilegeEscalation(false)
                .withPrivileged(false)
                .withReadOnlyRootFilesystem(true)
                .withNewCapabilities().withDrop("ALL").endCapabilities()
                .build();
    }
}
