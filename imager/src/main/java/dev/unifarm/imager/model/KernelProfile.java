package dev.unifarm.imager.model;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * How a kernel boots an image, as data: which kernel, how the root filesystem reaches it, how its
 * command line is written, where it puts the app's stack, how many env entries it carries, how the
 * app's end shows, and whether a non-PIE host must be started through its ELF interpreter.
 *
 * @param name profile name shown to users, e.g. {@code linux}
 * @param kernel the kernel image: a file, or an OCI reference (stored, not resolved yet)
 * @param arch guest architecture
 * @param delivery how the root filesystem reaches the kernel
 * @param commandLine which command-line renderer the kernel understands
 * @param maxEnv env entries the command line can carry
 * @param stack the application stack range the rootfs's {@code /proc/1/maps} must describe
 * @param stackSource where {@code stack} came from
 * @param exit how the scheduler sees the app's end on the console
 * @param nonPieViaInterpreter start an {@code ET_EXEC} host as {@code <PT_INTERP> <host> …}
 */
public record KernelProfile(String name, KernelLocation kernel, Arch arch, Delivery delivery, CommandLineKind commandLine,
        int maxEnv, StackRange stack, StackSource stackSource, ExitDetection exit, boolean nonPieViaInterpreter) {

    /** Top of the 47-bit user address space with {@code norandmaps}: where Linux's main stack ends. */
    static final long LINUX_STACK_TOP = 0x7ffffffff000L;
    /** Linux's default stack rlimit, the part of the stack we describe. */
    static final long LINUX_STACK_SIZE = 8L << 20;
    /**
     * The stack a real app-elfloader (Unikraft 0.17.0) gave .NET: {@code [stack]} in the recorded
     * {@code /proc/1/maps} that worked (see the fixtures' README), preceded by a 0x40000 mapping.
     */
    public static final StackRange ELFLOADER_STACK = new StackRange(0x400040000L, 0x400060000L);
    /** Linux passes at most 32 env strings to init (MAX_INIT_ENVS) and sets HOME and TERM itself. */
    public static final int LINUX_MAX_ENV = 30;
    /** app-elfloader's {@code env.vars} array size (posix-environ's libparam default). */
    public static final int ELFLOADER_MAX_ENV = 8;

    public KernelProfile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(arch, "arch");
        Objects.requireNonNull(delivery, "delivery");
        Objects.requireNonNull(commandLine, "commandLine");
        Objects.requireNonNull(stack, "stack");
        Objects.requireNonNull(stackSource, "stackSource");
        Objects.requireNonNull(exit, "exit");
        if (maxEnv < DotnetRuntime.RUNTIME_ENV.size()) {
            throw new IllegalArgumentException("kernel profile " + name + " must carry at least " + DotnetRuntime.RUNTIME_ENV.size()
                    + " env entries (the runtime's own), not " + maxEnv);
        }
    }

    /**
     * A stock Linux kernel booted with {@code norandmaps}: the main stack then ends at the top of the
     * 47-bit user address space, and we describe the 8 MiB below it (the default stack rlimit).
     */
    public static KernelProfile linux(Path kernel) {
        return defaults("linux", new KernelLocation.File(kernel), CommandLineKind.LINUX);
    }

    /**
     * An app-elfloader kernel with the recorded stack, 8 env entries, the compatibility layer's exit
     * line, non-PIE hosts via ld.so.
     */
    public static KernelProfile unikraftElfloader(String name, KernelLocation kernel, Delivery delivery) {
        return defaults(name, kernel, CommandLineKind.UNIKRAFT).withDelivery(delivery);
    }

    /** The defaults of a command-line kind: what a profile is unless its configuration says otherwise. */
    public static KernelProfile defaults(String name, KernelLocation kernel, CommandLineKind kind) {
        return switch (kind) {
            case LINUX -> new KernelProfile(name, kernel, Arch.X86_64, Delivery.INITRD, kind, LINUX_MAX_ENV,
                    new StackRange(LINUX_STACK_TOP - LINUX_STACK_SIZE, LINUX_STACK_TOP), StackSource.DERIVED,
                    ExitDetection.LINUX_PANIC, false);
            case UNIKRAFT -> new KernelProfile(name, kernel, Arch.X86_64, Delivery.INITRD, kind, ELFLOADER_MAX_ENV,
                    ELFLOADER_STACK, StackSource.CONFIGURED, ExitDetection.UNIFARM_COMPAT, true);
        };
    }

    public KernelProfile withDelivery(Delivery value) {
        return new KernelProfile(name, kernel, arch, value, commandLine, maxEnv, stack, stackSource, exit, nonPieViaInterpreter);
    }

    public KernelProfile withMaxEnv(int value) {
        return new KernelProfile(name, kernel, arch, delivery, commandLine, value, stack, stackSource, exit, nonPieViaInterpreter);
    }

    public KernelProfile withStack(StackRange value, StackSource source) {
        return new KernelProfile(name, kernel, arch, delivery, commandLine, maxEnv, value, source, exit, nonPieViaInterpreter);
    }

    public KernelProfile withExit(ExitDetection value) {
        return new KernelProfile(name, kernel, arch, delivery, commandLine, maxEnv, stack, stackSource, value, nonPieViaInterpreter);
    }

    public KernelProfile withNonPieViaInterpreter(boolean value) {
        return new KernelProfile(name, kernel, arch, delivery, commandLine, maxEnv, stack, stackSource, exit, value);
    }

    /** The kernel file of a file-located profile; an OCI kernel is pulled into the image store instead. */
    public Path kernelFile() {
        if (kernel instanceof KernelLocation.File file) {
            return file.path();
        }
        throw new IllegalStateException("the " + name + " kernel profile's kernel is the OCI image " + kernel.location()
                + ", pulled by the image builder, not a file");
    }

    /** Where a kernel comes from: a file on the farm, or an OCI image reference. */
    public sealed interface KernelLocation {
        /** The location as configured and recorded. */
        String location();

        record File(Path path) implements KernelLocation {
            public File {
                Objects.requireNonNull(path, "path");
            }

            @Override
            public String location() {
                return path.toString();
            }
        }

        /** e.g. {@code unikraft.org/base:latest}; KraftKit's layout keeps the kernel at {@code /unikraft/bin/kernel}. */
        record Oci(String reference) implements KernelLocation {
            public Oci {
                if (reference == null || reference.isBlank()) {
                    throw new IllegalArgumentException("an OCI kernel reference must not be blank");
                }
            }

            @Override
            public String location() {
                return reference;
            }
        }
    }

    /** Guest architectures the farm boots. */
    public enum Arch implements Named {
        X86_64("x86_64");

        private final String configName;

        Arch(String configName) {
            this.configName = configName;
        }

        @Override
        public String configName() {
            return configName;
        }
    }

    /** How the root filesystem reaches the kernel: a cpio initrd, or the same tree shared over virtio-9p. */
    public enum Delivery implements Named {
        INITRD("initrd"), NINE_P("9pfs");

        private final String configName;

        Delivery(String configName) {
            this.configName = configName;
        }

        @Override
        public String configName() {
            return configName;
        }
    }

    /** Where a profile's stack range came from. */
    public enum StackSource implements Named {
        /** Computed from the kernel's known behaviour (Linux with norandmaps). */
        DERIVED,
        /** Set by the operator (or the recorded app-elfloader default). */
        CONFIGURED,
        /** Read from a probe boot's {@code Application stack at …} line. */
        CALIBRATED;

        @Override
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How the scheduler learns that the app ended. */
    public enum ExitDetection implements Named {
        /** Linux's {@code Attempted to kill init! exitcode=0x…} panic, then a VM exit. */
        LINUX_PANIC("linux-panic"),
        /**
         * The compatibility layer's console line ({@code unifarm-compat: exit N} or {@code unifarm-compat:
         * abort}, {@code CompatLayer}), after which the layer powers the VM off through QEMU's
         * {@code isa-debug-exit}: app-elfloader itself keeps the VM running after the app exits.
         */
        UNIFARM_COMPAT("unifarm-compat"),
        /** No signal: the VM keeps running after the app exits, until it is stopped. */
        NONE("none");

        private final String configName;

        ExitDetection(String configName) {
            this.configName = configName;
        }

        @Override
        public String configName() {
            return configName;
        }
    }

    /** Enums written in configuration and manifests by a lower-case name. */
    public interface Named {
        String configName();

        /** The constant named {@code value} in configuration, or an error listing the names allowed. */
        static <E extends Enum<E> & Named> E parse(Class<E> type, String what, String value) {
            for (E constant : type.getEnumConstants()) {
                if (constant.configName().equals(value)) {
                    return constant;
                }
            }
            throw new IllegalArgumentException(what + " \"" + value + "\" is not one of "
                    + Arrays.stream(type.getEnumConstants()).map(Named::configName).toList());
        }
    }
}
