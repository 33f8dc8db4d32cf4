package dev.unifarm.imager;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The kernel command-line formats the farm writes; a profile names one, each has its own renderer. */
public enum CommandLineKind implements KernelProfile.Named {
    /** {@link LinuxCommandLine}: the host is init, env as words, argv after {@code --}. */
    LINUX("linux") {
        @Override
        public void validate(List<String> argv, Map<String, String> env) {
            LinuxCommandLine.validate(argv, env);
        }

        @Override
        public String render(Launch launch) {
            // Linux runs a non-PIE host itself: the loader is never on its command line.
            return LinuxCommandLine.render(launch.executable(), launch.argv(), launch.env());
        }
    },
    /** {@link UnikraftCommandLine}: library parameters ({@code vfs.fstab}, {@code env.vars}), then {@code --} and argv. */
    UNIKRAFT("unikraft") {
        @Override
        public void validate(List<String> argv, Map<String, String> env) {
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
     */
    public record Launch(KernelProfile.Delivery delivery, int maxEnv, String loader, String executable, List<String> argv,
            Map<String, String> env) {
    }

    private final String configName;

    CommandLineKind(String configName) {
        this.configName = configName;
    }

    @Override
    public String configName() {
        return configName;
    }

    /** Refuses args and env this kernel cannot receive, before anything is built. */
    public abstract void validate(List<String> argv, Map<String, String> env);

    /** The command line, or {@code invalid-spec} for what this kernel cannot receive. */
    public abstract String render(Launch launch);
}
