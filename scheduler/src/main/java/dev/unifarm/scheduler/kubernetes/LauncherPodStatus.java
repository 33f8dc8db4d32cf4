package dev.unifarm.scheduler.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Objects;
import java.util.Optional;

/** What a launcher Pod's status says: its node, whether it is ready, why it waits and how it ended. */
final class LauncherPodStatus {

    /**
     * How a Pod's run ended: the {@code launcher} container's terminated state, else the Pod's own.
     *
     * @param code the launcher's exit code (the app's), null when unknown
     */
    record End(boolean succeeded, Integer code, String reason, String message) {
    }

    private LauncherPodStatus() {
    }

    /** The Pod's phase; {@code Pending} while it has none. */
    static String phase(Pod pod) {
        return Objects.requireNonNullElse(pod.getStatus().getPhase(), "Pending");
    }

    static String nodeName(Pod pod) {
        return pod.getSpec() == null ? null : pod.getSpec().getNodeName();
    }

    static boolean ready(Pod pod) {
        return pod.getStatus().getConditions() != null && pod.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /** Why the launcher container waits (pulling its image, …); empty when it does not. */
    static Optional<ContainerStateWaiting> waiting(Pod pod) {
        return launcherContainer(pod).map(ContainerStatus::getState).map(s -> s.getWaiting());
    }

    /** How Pod {@code name} in phase {@code Succeeded} or {@code Failed} ended. */
    static End end(Pod pod, String name, String phase) {
        ContainerStateTerminated terminated = launcherContainer(pod).map(ContainerStatus::getState)
                .map(s -> s.getTerminated()).orElse(null);
        Integer code = terminated == null ? null : terminated.getExitCode();
        boolean succeeded = "Succeeded".equals(phase);
        String reason = terminated != null && terminated.getReason() != null ? terminated.getReason()
                : succeeded ? "Completed" : Objects.requireNonNullElse(pod.getStatus().getReason(), "Error");
        String message = terminated != null && terminated.getMessage() != null ? terminated.getMessage()
                : Objects.requireNonNullElse(pod.getStatus().getMessage(),
                        "launcher Pod " + name + " " + phase.toLowerCase() + (code == null ? "" : " with exit code " + code));
        return new End(succeeded, code, reason, message);
    }

    private static Optional<ContainerStatus> launcherContainer(Pod pod) {
        if (pod.getStatus().getContainerStatuses() == null) {
            return Optional.empty();
        }
        return pod.getStatus().getContainerStatuses().stream()
                .filter(c -> LauncherPods.CONTAINER.equals(c.getName())).findFirst();
    }
}
