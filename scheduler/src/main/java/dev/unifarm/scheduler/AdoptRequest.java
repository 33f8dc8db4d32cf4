package dev.unifarm.scheduler;

import dev.unifarm.imager.KernelProfile;
import java.nio.file.Path;

/**
 * An instance a previous farm process started and recorded as live, to be supervised again: its dir
 * (pid file, QMP socket, raw console), how its app's end is detected, and its recorded status (state
 * and timestamps are kept).
 */
public record AdoptRequest(String instanceId, Path instanceDir, KernelProfile.ExitDetection exitDetection,
        InstanceStatus recorded) {
}
