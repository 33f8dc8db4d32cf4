package dev.unifarm.imager;

import dev.unifarm.imager.kernel.LinuxCommandLine;
import dev.unifarm.imager.kernel.UnikraftCommandLine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The kernel command-line formats the farm writes; a profile names one, each has its own renderer. */
public enum CommandLineKind implements KernelProfile.Named {
    /** {@link LinuxCommandLine}: the host is init, env as words, argv after {@code --}. */
    LINUX("linux") {
        @Override
        public void validate(List<String> argv, Map<String, String> env, boolean initEnv) {
            LinuxCommandLine.validate(argv, env, initEnv);
        }

        @Override
        public String render(Launch launch) {
            // Linux runs a non-PIE host itself: the loader is never on its command line.
            return LinuxCommandLine.render(launch.executable(), launch.argv(), launch.env(), launch.initEnv());
        }
    },
    /** {@link UnikraftCommandLine}: library parameters ({@code vfs.fstab}, {@code env.vars}), then {@code --} and argv. */
    UNIKRAFT("unikraft") {
        @Override
        public void validate(List<String> argv, Map<String, String> env, boolean initEnv) {
            // Quoting carries what ukargparse can take; there is no /init to decode anything else.
            UnikraftCommandLine.validate(argv, env);
        }

        @Override
        public String render(Launch launch) {
            List<String> program = new ArrayList<>();
            if (launch.loader() != null) {
                program.add(launch.loader());
            }
            program.add(launch.executable());
            program.addAll(launch.argv());
            return UnikraftCommandLine.render(launch.delivery(), program, launch.env(), launch.maxEnv());
        }
    };

    /**
     * What to start and how the root filesystem arrives.
     *
     * @param loader the ELF interpreter to start the host through, or null to start the host itself
     * @param executable the .NET host
     * @param argv the app's main assembly, then its arguments
     * @param initEnv the image's {@code /init} decodes {@link GuestEnv}'s word (linux profile)
     */
    public record Launch(KernelProfile.Delivery delivery, int maxEnv, String loader, String executable, List<String> argv,
            Map<String, String> env, boolean initEnv) {

        /** Without an env-decoding {@code /init}. */
        public Launch(KernelProfile.Delivery delivery, int maxEnv, String loader, String executable, List<String> argv,
                Map<String, String> env) {
            this(delivery, maxEnv, loader, executable, argv, env, false);
        }
    }

    private final String configName;

    CommandLineKind(String configName) {
        this.configName = configName;
    }

    @Override
    public String configName() {
        return configName;
    }

    /**
     * Refuses args and env this kernel cannot receive, before anything is built; {@code initEnv}: the
     * image's {@code /init} decodes env values the command line cannot carry.
     */
    public abstract void validate(List<String> argv, Map<String, String> env, boolean initEnv);

    /** The command line, or {@code invalid-spec} for what this kernel cannot receive. */
    public abstract String render(Launch launch);
}
