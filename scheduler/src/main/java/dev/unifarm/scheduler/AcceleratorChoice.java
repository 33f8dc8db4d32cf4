package dev.unifarm.scheduler;

/**
 * The accelerator instances run under and why it was chosen, as the start-up log, {@code /q/health}
 * and a launcher's status say it.
 *
 * @param reason e.g. {@code /dev/kvm present but a test guest did not run within 3 s under KVM (…): using TCG}
 */
public record AcceleratorChoice(Accelerator accelerator, AcceleratorSetting setting, String reason) {
}
