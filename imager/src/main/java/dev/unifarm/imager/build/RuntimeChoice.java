package dev.unifarm.imager.build;

import dev.unifarm.imager.bundle.Bundle;
import dev.unifarm.imager.bundle.RuntimeConfig;
import dev.unifarm.imager.closure.HostElf;
import dev.unifarm.imager.model.DotnetRuntime;
import dev.unifarm.imager.model.ImagerException;
import dev.unifarm.imager.model.KernelProfile;
import dev.unifarm.imager.model.RollForward;
import dev.unifarm.imager.rootfs.RuntimeSource;
import dev.unifarm.imager.runtime.RuntimeStore;
import java.util.function.Consumer;

/** Which .NET runtime an image carries, and how the kernel starts its host; each choice said in the build log. */
final class RuntimeChoice {

    private final RuntimeStore runtimes;
    private final RollForward rollForward;
    private final KernelProfile profile;
    private final Consumer<String> log;

    /** {@code rollForward}: the app spec's policy, which wins over the runtimeconfig's; null lets the runtimeconfig decide. */
    RuntimeChoice(RuntimeStore runtimes, RollForward rollForward, KernelProfile profile, Consumer<String> log) {
        this.runtimes = runtimes;
        this.rollForward = rollForward;
        this.profile = profile;
        this.log = log;
    }

    /** The bundle's own runtime (self-contained) or the store's match for its framework reference. */
    RuntimeSource source(Bundle bundle) {
        RuntimeConfig config = bundle.runtimeConfig();
        if (!config.frameworkDependent()) {
            log.accept("runtime: self-contained (carried by the bundle)");
            return RuntimeSource.selfContained(bundle);
        }
        return RuntimeSource.shared(resolve(config));
    }

    /** Resolves the framework under the spec's policy, else the runtimeconfig's, else Minor; logs the choice. */
    private DotnetRuntime resolve(RuntimeConfig config) {
        RuntimeConfig.RollForwardSettings settings = config.rollForwardSettings();
        RollForward policy = rollForward != null ? rollForward : settings.policy().orElse(RollForward.DEFAULT);
        String source = rollForward != null ? "spec.rollForward" : settings.policy().isPresent() ? config.fileName() : "default";
        String how = "roll-forward " + policy + " from " + source + (settings.applyPatches() ? "" : ", applyPatches false");
        try {
            DotnetRuntime runtime = runtimes.resolve(config.frameworkName(), config.frameworkVersion(), policy,
                    settings.applyPatches());
            log.accept("runtime: " + runtime.framework() + " " + runtime.version() + " (asked for "
                    + config.frameworkVersion() + ", " + how + ")");
            return runtime;
        } catch (ImagerException e) {
            log.accept("runtime: no match for " + config.frameworkName() + " " + config.frameworkVersion() + " (" + how + ")");
            throw e;
        }
    }

    /** The image holds one runtime version; its runtimeconfig asks for exactly that one. */
    static Bundle pinFramework(Bundle bundle, DotnetRuntime runtime) {
        RuntimeConfig pinned = bundle.runtimeConfig().withFrameworkVersion(runtime.version().toString());
        return new Bundle(bundle.root(), bundle.entrypoint(), pinned, bundle.files());
    }

    /**
     * The ELF interpreter to start the host through, or null. A profile whose kernel loads only PIE
     * gets the host's PT_INTERP for an ET_EXEC host; that host is then mapped at its fixed address,
     * where a large initrd lies (dotnet-ldso-initrd-overlap-crash), so such images need a 9pfs root.
     */
    String loaderFor(RuntimeSource runtime) {
        if (!profile.nonPieViaInterpreter()) {
            return null;
        }
        HostElf elf = HostElf.read(runtime.host());
        if (elf.positionIndependent() || elf.interpreter() == null) {
            return null;
        }
        if (profile.delivery() == KernelProfile.Delivery.INITRD) {
            throw new ImagerException("profile-mismatch", "the .NET host " + runtime.executable() + " of runtime " + runtime.label()
                    + " is not position-independent (ET_EXEC), and on the " + profile.name()
                    + " kernel profile it would be mapped at its fixed address inside the initrd's memory and crash the kernel:"
                    + " use a kernel profile with the 9pfs root filesystem delivery (or a runtime with a PIE host)");
        }
        log.accept("host: " + runtime.executable() + " is not position-independent (ET_EXEC): started through " + elf.interpreter());
        return elf.interpreter();
    }
}
