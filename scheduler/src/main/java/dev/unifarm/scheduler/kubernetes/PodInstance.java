package dev.unifarm.scheduler.kubernetes;

import dev.unifarm.scheduler.InstanceStatus;

/**
 * An instance run by launcher Pods, as the farm sees it.
 *
 * @param pod the current Pod's name
 * @param restarts how many Pods were created after the first
 * @param lastTermination how the previous Pod ended, null before the first end
 */
public record PodInstance(InstanceStatus status, String pod, int restarts, InstanceStatus lastTermination) {
}
