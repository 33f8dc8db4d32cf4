package dev.unifarm.scheduler;

import dev.unifarm.imager.model.CommandLineKind;
import dev.unifarm.imager.model.KernelProfile;
import java.nio.file.Path;

/**
 * An instance a previous farm process started and recorded as live, to be supervised again: its dir
 * (pid file, QMP socket, raw console), how its app's end is detected, its recorded status (state
 * and timestamps are kept), and how its console tells the app's lines from the kernel's.
 */
public record AdoptRequest(String instanceId, Path instanceDir, KernelProfile.ExitDetection exitDetection,
        InstanceStatus recorded, CommandLineKind consoleKind) {

    /** A {@code linux}-profile console. */
    public AdoptRequest(String instanceId, Path instanceDir, KernelProfile.ExitDetection exitDetection, InstanceStatus recorded) {
        this(instanceId, instanceDir, exitDetection, recorded, CommandLineKind.LINUX);
    }
}
