package dev.unifarm.imager.kernel;

import dev.unifarm.imager.model.CommandLineKind;
import dev.unifarm.imager.model.ImageManifest;
import dev.unifarm.imager.model.KernelProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** Writes a kernel command line in the format a {@link CommandLineKind} names: {@link LinuxCommandLine} or {@link UnikraftCommandLine}. */
public final class KernelCommandLine {

    /**
     * What to start and how the root filesystem arrives.
     *
     * @param loader the ELF interpreter to start the host through, or null to start the host itself
     * @param executable the .NET host
     * @param argv the app's main assembly, then its arguments
     * @param initEnv the image's {@code /init} decodes {@code GuestEnv}'s word (linux profile)
     */
    public record Launch(KernelProfile.Delivery delivery, int maxEnv, String loader, String executable, List<String> argv,
            Map<String, String> env, boolean initEnv) {

        /** Without an env-decoding {@code /init}. */
        public Launch(KernelProfile.Delivery delivery, int maxEnv, String loader, String executable, List<String> argv,
                Map<String, String> env) {
            this(delivery, maxEnv, loader, executable, argv, env, false);
        }
    }

    private KernelCommandLine() {
    }

    /**
     * Refuses args and env this kernel cannot receive, before anything is built; {@code initEnv}: the
     * image's {@code /init} decodes env values the command line cannot carry.
     */
    public static void validate(CommandLineKind kind, List<String> argv, Map<String, String> env, boolean initEnv) {
        switch (kind) {
            case LINUX -> LinuxCommandLine.validate(argv, env, initEnv);
            // Quoting carries what ukargparse can take; there is no /init to decode anything else.
            case UNIKRAFT -> UnikraftCommandLine.validate(argv, env);
        }
    }

    /** The command line, or {@code invalid-spec} for what this kernel cannot receive. */
    public static String render(CommandLineKind kind, Launch launch) {
        return switch (kind) {
            // Linux runs a non-PIE host itself: the loader is never on its command line.
            case LINUX -> LinuxCommandLine.render(launch.executable(), launch.argv(), launch.env(), launch.initEnv());
            case UNIKRAFT -> {
                List<String> program = new ArrayList<>();
                if (launch.loader() != null) {
                    program.add(launch.loader());
                }
                program.add(launch.executable());
                program.addAll(launch.argv());
                yield UnikraftCommandLine.render(launch.delivery(), program, launch.env(), launch.maxEnv());
            }
        };
    }

    /** The kernel command line of an image, optionally with one instance's overrides (null: the image's own). */
    public static String of(ImageManifest manifest, List<String> argsOverride, Map<String, String> envOverride) {
        List<String> argv = new ArrayList<>();
        argv.add(manifest.entrypoint());
        argv.addAll(argsOverride != null ? argsOverride : manifest.args());
        SortedMap<String, String> merged = new TreeMap<>(manifest.env());
        if (envOverride != null) {
            merged.putAll(envOverride);
        }
        ImageManifest.Boot boot = manifest.boot();
        return render(boot.commandLineKind(), new Launch(boot.rootfsDelivery(), boot.maxEnv(), boot.loader(),
                manifest.executable(), argv, merged, boot.initEnv()));
    }

    /** The image's own command line. */
    public static String of(ImageManifest manifest) {
        return of(manifest, null, null);
    }
}
