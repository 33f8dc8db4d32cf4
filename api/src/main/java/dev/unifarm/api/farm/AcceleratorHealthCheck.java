package dev.unifarm.api.farm;

import dev.unifarm.api.config.SchedulerMode;
import dev.unifarm.api.config.UnifarmConfig;
import dev.unifarm.scheduler.AcceleratorChoice;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * {@code /q/health}: which accelerator local instances run under and why ({@code /dev/kvm present but
 * a test guest did not run…}). Always UP: TCG is slower, not broken; a farm that was told {@code kvm}
 * and cannot have it does not start at all.
 */
@Readiness
@ApplicationScoped
public class AcceleratorHealthCheck implements HealthCheck {

    private final UnifarmConfig config;
    private final FarmAccelerator accelerator;

    AcceleratorHealthCheck(UnifarmConfig config, FarmAccelerator accelerator) {
        this.config = config;
        this.accelerator = accelerator;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("accelerator").up().withData("setting", config.scheduler().accelerator().name());
        if (config.scheduler().mode() == SchedulerMode.kubernetes) {
            return response.withData("reason", "each launcher Pod probes its own node").build();
        }
        AcceleratorChoice choice = accelerator.choice();
        return response.withData("accelerator", choice.accelerator().name()).withData("reason", choice.reason()).build();
    }
}
