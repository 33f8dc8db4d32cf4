package dev.unifarm.imager.build;

import dev.unifarm.imager.model.CommandLineKind;
import dev.unifarm.imager.model.ImagerException;
import dev.unifarm.imager.model.KernelProfile;
import dev.unifarm.imager.model.ResumeProtocol;
import dev.unifarm.imager.model.TraceOptions;
import dev.unifarm.imager.rootfs.GuestInit;
import dev.unifarm.imager.rootfs.GuestNetwork;
import dev.unifarm.imager.rootfs.PowerButton;
import dev.unifarm.imager.rootfs.ResumeHelper;
import dev.unifarm.imager.rootfs.StraceWrapper;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Which {@code /init} an image gets, if any: the {@code linux} profile's steps (power button when the kernel dir has
 * the modules, network for an app with a port, the resume helper when the kernel dir has it, strace for a traced image,
 * env values the command line cannot carry),
 * each said in the build log.
 */
final class GuestInitChoice {

    private final KernelProfile profile;
    private final Path busybox;
    private final boolean network;
    private final TraceOptions trace;
    private final Consumer<String> log;

    GuestInitChoice(KernelProfile profile, Path busybox, boolean network, TraceOptions trace, Consumer<String> log) {
        this.profile = profile;
        this.busybox = busybox;
        this.network = network;
        this.trace = trace;
        this.log = log;
    }

    /**
     * The {@code /init} with its steps, or null: other profiles, and a linux image without a static busybox, start the
     * host directly.
     */
    GuestInit choose() {
        StraceWrapper wrapper = trace == null ? null : new StraceWrapper(trace);
        if (wrapper != null && (profile.commandLine() != CommandLineKind.LINUX
                || !(profile.kernel() instanceof KernelProfile.KernelLocation.File) || !GuestInit.isStatic(busybox))) {
            throw new ImagerException("profile-mismatch", "a traced image (coverage reference run) needs the linux kernel profile"
                    + " with a kernel file and a static busybox; the " + profile.name() + " profile cannot run strace");
        }
        if (profile.commandLine() != CommandLineKind.LINUX) {
            if (network) {
                log.accept("network: the " + profile.name() + " kernel profile needs no init step");
            }
            // Unikraft's app-elfloader has no ACPI: QMP system_powerdown reaches nothing, stops end by quit.
            log.accept("power: the " + profile.name() + " kernel profile has no power button; stops end by quit");
            return null;
        }
        if (!(profile.kernel() instanceof KernelProfile.KernelLocation.File)) {
            if (network) {
                throw new ImagerException("network-unsupported", "an app with a port on the " + profile.name()
                        + " kernel profile needs the kernel's network modules, and an OCI kernel has none: use a kernel file");
            }
            log.accept("power: the kernel is an OCI image without modules: this image ignores system_powerdown");
            log.accept("resume: the kernel is an OCI image without the guest resume helper: this image boots only");
            return initWithEnv(null, null, null, null);
        }
        GuestNetwork guestNetwork = network ? GuestNetwork.forKernel(profile.kernelFile(), busybox) : null;
        PowerButton power = null;
        ResumeHelper resume = null;
        if (!GuestInit.isStatic(busybox)) {
            log.accept("power: no static busybox at " + busybox + " (install busybox-static: scripts/provision does):"
                    + " this image ignores system_powerdown");
        } else {
            power = PowerButton.forKernel(profile.kernelFile(), log).orElse(null);
            resume = ResumeHelper.forKernel(profile.kernelFile(), log).orElse(null);
        }
        if (power != null) {
            log.accept("power: " + GuestInit.INIT + " loads the ACPI power button (" + String.join(", ", power.modules())
                    + ") and turns a press (QMP system_powerdown) into SIGTERM for the app");
        }
        if (guestNetwork != null) {
            log.accept("network: " + GuestInit.INIT + " loads the kernel's virtio modules and brings up eth0 "
                    + GuestNetwork.GUEST_ADDRESS + " (gateway " + GuestNetwork.GATEWAY + ") before the app");
        }
        if (resume != null) {
            log.accept("resume: " + GuestInit.INIT + " starts " + ResumeProtocol.HELPER + " in the background, which steps the"
                    + " clock and reseeds the CRNG when the farm restores a snapshot of this image");
        }
        if (wrapper != null) {
            logTrace(wrapper);
        }
        return initWithEnv(power, guestNetwork, resume, wrapper);
    }

    private void logTrace(StraceWrapper wrapper) {
        if (wrapper.needs() != null) {
            log.accept("trace: " + GuestInit.INIT + " runs the needs sweep of " + wrapper.needs().syscalls().size() + " syscalls under "
                    + wrapper.binary() + " (a baseline, then each syscall stubbed and, where that fails, faked), one console line per trial");
            return;
        }
        log.accept("trace: " + GuestInit.INIT + " runs the app under " + wrapper.binary() + " -f -C and prints the trace"
                + " on the console between " + StraceWrapper.BEGIN + " and " + StraceWrapper.END);
        if (!wrapper.failWithEnosys().isEmpty()) {
            log.accept("trace: strace fails " + String.join(", ", wrapper.failWithEnosys()) + " with ENOSYS in the app"
                    + " (-e inject=…:error=ENOSYS), as a kernel without them would");
        }
    }

    /** An init with these steps and the env step ({@code GuestEnv}); null without a static busybox to run it. */
    private GuestInit initWithEnv(PowerButton power, GuestNetwork network, ResumeHelper resume, StraceWrapper wrapper) {
        if (!GuestInit.isStatic(busybox)) {
            log.accept("env: no static busybox, so no " + GuestInit.INIT + ": env values must be ASCII words without spaces"
                    + " or double quotes");
            return null;
        }
        log.accept("env: " + GuestInit.INIT + " exports the env values the kernel command line cannot carry as words"
                + " (spaces, quotes, non-ASCII), which reach it base64-encoded");
        return new GuestInit(busybox, power, network, resume, wrapper);
    }
}
