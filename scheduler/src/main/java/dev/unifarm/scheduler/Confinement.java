package dev.unifarm.scheduler;

/**
 * What one instance's QEMU runs under, as the instance's detail shows it.
 *
 * @param uid the uid QEMU runs as: one of the farm's range, or the farm's own when the farm is not root
 * @param gid its gid
 * @param ownUser whether the uid is the instance's own (not root, not the farm's)
 * @param sandbox QEMU's {@code -sandbox} argument (its seccomp filter)
 * @param memoryLimitMiB the cgroup's memory limit, null when the farm cannot write cgroups
 * @param cpuLimit the cgroup's CPU quota in CPUs, null when none
 * @param pidsLimit the cgroup's task limit, null when none
 * @param cgroup the instance's cgroup ({@code v1:/unifarm/…} or {@code v2:/unifarm/…}), null when none
 * @param privateMounts whether QEMU runs in a mount namespace of its own (private /tmp, only its image bound in)
 * @param note what is missing and why, null when nothing is
 */
public record Confinement(int uid, int gid, boolean ownUser, String sandbox, Long memoryLimitMiB, Double cpuLimit,
        Integer pidsLimit, String cgroup, boolean privateMounts, String note) {
}
