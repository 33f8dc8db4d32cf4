package dev.unifarm.api.instances;

import dev.unifarm.scheduler.Confinement;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** What a live instance's QEMU runs under, as the API shows it (README, "Security"). */
@Schema(description = "What the instance's QEMU runs under while it is live in local mode")
public record InstanceContainment(
        @Schema(description = "The uid QEMU runs as: the instance's own, or the farm's where the farm is not root")
        int uid,
        @Schema(description = "The gid QEMU runs as")
        int gid,
        @Schema(description = "Whether the uid is the instance's own (not root, not the farm's)")
        boolean ownUser,
        @Schema(description = "QEMU's -sandbox argument (its seccomp filter); null when containment is switched off", nullable = true)
        String sandbox,
        @Schema(description = "The instance cgroup's memory limit (MiB): guest memory + headroom; null when not capped", nullable = true)
        Long memoryLimitMiB,
        @Schema(description = "The instance cgroup's CPU quota, in CPUs; null when not capped", nullable = true)
        Double cpuLimit,
        @Schema(description = "The instance cgroup's task limit; null when not capped", nullable = true)
        Integer pidsLimit,
        @Schema(description = "The instance's cgroup, e.g. v1:/unifarm/<id>-<hash>; null when not capped", nullable = true)
        String cgroup,
        @Schema(description = "Whether QEMU runs in a mount namespace of its own (private /tmp, only its image bound in)")
        boolean privateMounts,
        @Schema(description = "What is missing and why (e.g. the farm is not root); null when nothing is", nullable = true)
        String note) {

    static InstanceContainment of(Confinement c) {
        return new InstanceContainment(c.uid(), c.gid(), c.ownUser(), c.sandbox(), c.memoryLimitMiB(), c.cpuLimit(), c.pidsLimit(),
                c.cgroup(), c.privateMounts(), c.note());
    }
}
