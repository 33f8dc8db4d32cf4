package dev.unifarm.imager.model;

/**
 * The kernel command-line formats the farm writes; a profile names one. Each has its own renderer in the
 * imager's {@code kernel} package ({@code KernelCommandLine} picks it).
 */
public enum CommandLineKind implements KernelProfile.Named {
    /** Linux: the host is init, env as words, argv after {@code --}. */
    LINUX("linux"),
    /** Unikraft: library parameters ({@code vfs.fstab}, {@code env.vars}), then {@code --} and argv. */
    UNIKRAFT("unikraft");

    private final String configName;

    CommandLineKind(String configName) {
        this.configName = configName;
    }

    @Override
    public String configName() {
        return configName;
    }
}
