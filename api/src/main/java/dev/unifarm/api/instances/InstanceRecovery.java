package dev.unifarm.api.instances;

import dev.unifarm.api.farm.FarmDirs;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * At start-up, settles instances a previous farm process left live: their QEMU (found by pid file,
 * checked to be that instance's QEMU) is killed and the record marked Failed, so none is orphaned or
 * forgotten. Adopting a still-running QEMU instead is future work.
 */
@ApplicationScoped
public class InstanceRecovery {

    private static final Logger LOG = Logger.getLogger(InstanceRecovery.class);

    private final InstanceRepository instances;
    private final FarmDirs dirs;

    InstanceRecovery(InstanceRepository instances, FarmDirs dirs) {
        this.instances = instances;
        this.dirs = dirs;
    }

    void settle(@Observes StartupEvent event) {
        for (Instance instance : instances.live()) {
            boolean killed = killLeftoverQemu(instance.id());
            instances.markFailed(instance.id(), "FarmRestarted", "the farm restarted while this instance was "
                    + instance.state() + (killed ? "; its QEMU was stopped" : ""), Instant.now());
            LOG.warnf("instance %s was %s when the farm stopped; marked Failed", instance.id(), instance.state());
        }
    }

    /** A pid can be reused: only a QEMU running in this instance's dir is ours. */
    private static boolean isQemuOf(ProcessHandle process, Path dir) {
        boolean qemu = process.info().command().map(cmd -> cmd.contains("qemu-system")).orElse(false);
        try {
            return qemu && Files.readSymbolicLink(Path.of("/proc", Long.toString(process.pid()), "cwd")).equals(dir);
        } catch (IOException e) {
            return false;
        }
    }

    private boolean killLeftoverQemu(String id) {
        Path dir = dirs.instance(id);
        try {
            Path pidFile = dir.resolve("qemu.pid");
            if (!Files.isRegularFile(pidFile)) {
                return false;
            }
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            return ProcessHandle.of(pid)
                    .filter(p -> isQemuOf(p, dir))
                    .map(ProcessHandle::destroyForcibly)
                    .orElse(false);
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }
}
