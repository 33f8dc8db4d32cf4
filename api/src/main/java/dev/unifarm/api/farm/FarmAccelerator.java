package dev.unifarm.api.farm;

import dev.unifarm.api.config.UnifarmConfig;
import dev.unifarm.scheduler.AcceleratorChoice;
import dev.unifarm.scheduler.local.LocalScheduler;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The accelerator local instances run under, chosen once by the local scheduler's probe ({@link LocalScheduler#chooseAccelerator}) from
 * {@code unifarm.scheduler.accelerator}: {@code kvm} on a host where the test guest does not run under
 * KVM throws, so the farm refuses to start and says what the probe saw.
 */
@ApplicationScoped
public class FarmAccelerator {

    private final UnifarmConfig config;
    private final FarmDirs dirs;
    private AcceleratorChoice choice;

    FarmAccelerator(UnifarmConfig config, FarmDirs dirs) {
        this.config = config;
        this.dirs = dirs;
    }

    public synchronized AcceleratorChoice choice() {
        if (choice == null) {
            var scheduler = config.scheduler();
            choice = LocalScheduler.chooseAccelerator(scheduler.accelerator(), scheduler.acceleratorProbeTimeout(), dirs.acceleratorProbe());
        }
        return choice;
    }
}
