package dev.unifarm.api.farm;

import dev.unifarm.api.config.KernelConfig;
import dev.unifarm.imager.model.CommandLineKind;
import dev.unifarm.imager.model.KernelProfile.Delivery;
import dev.unifarm.imager.model.KernelProfile.ExitDetection;
import dev.unifarm.imager.model.KernelProfile.KernelLocation;
import dev.unifarm.imager.model.KernelProfile.Named;
import dev.unifarm.imager.model.KernelProfile.StackSource;
import dev.unifarm.imager.model.KernelProfile;
import dev.unifarm.imager.model.StackCalibration;
import dev.unifarm.imager.model.StackRange;
import dev.unifarm.scheduler.coverage.KernelSyscallTable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The farm's kernel profiles, built from {@code unifarm.kernels.<name>.*}, with the syscall table of
 * each kernel where it is known; a bad entry stops start-up.
 */
public final class KernelProfiles {

    /** The profile an app spec without {@code kernel} gets. */
    public static final String DEFAULT = "linux";

    private final SortedMap<String, KernelProfile> byName;
    private final Map<String, KernelSyscallTable> syscalls;

    KernelProfiles(Map<String, KernelProfile> byName, Map<String, KernelSyscallTable> syscalls) {
        this.byName = Collections.unmodifiableSortedMap(new TreeMap<>(byName));
        this.syscalls = Map.copyOf(syscalls);
    }

    public static KernelProfiles from(Map<String, KernelConfig> config) {
        Map<String, KernelProfile> profiles = new TreeMap<>();
        Map<String, KernelSyscallTable> syscalls = new TreeMap<>();
        config.forEach((name, kernel) -> {
            try {
                KernelProfile profile = profile(name, kernel);
                profiles.put(name, profile);
                syscalls(profile, kernel).ifPresent(table -> syscalls.put(name, table));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("unifarm.kernels." + name + ": " + e.getMessage(), e);
            }
        });
        if (!profiles.containsKey(DEFAULT)) {
            throw new IllegalStateException("unifarm.kernels." + DEFAULT + ".kernel must be set: it is the default kernel profile");
        }
        return new KernelProfiles(profiles, syscalls);
    }

    /**
     * The syscalls a profile's kernel implements: from {@code syscalls-symbols} or
     * {@code provided-syscalls}; a {@code linux} command-line kernel without either implements them all;
     * otherwise unknown.
     */
    public Optional<KernelSyscallTable> syscalls(String name) {
        return Optional.ofNullable(syscalls.get(name));
    }

    static Optional<KernelSyscallTable> syscalls(KernelProfile profile, KernelConfig kernel) {
        if (kernel.syscallsSymbols().isPresent() && kernel.providedSyscalls().isPresent()) {
            throw new IllegalArgumentException("set either syscalls-symbols or provided-syscalls, not both");
        }
        try {
            if (kernel.syscallsSymbols().isPresent()) {
                return Optional.of(KernelSyscallTable.fromSymbols(readable("syscalls-symbols", kernel.syscallsSymbols().get())));
            }
            if (kernel.providedSyscalls().isPresent()) {
                return Optional.of(KernelSyscallTable.fromProvidedSyscalls(readable("provided-syscalls", kernel.providedSyscalls().get())));
            }
        } catch (UncheckedIOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return profile.commandLine() == CommandLineKind.LINUX ? Optional.of(KernelSyscallTable.linux()) : Optional.empty();
    }

    private static Path readable(String key, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(key + " " + file.toAbsolutePath() + " is not a file");
        }
        return file.toAbsolutePath();
    }

    public Optional<KernelProfile> get(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public KernelProfile defaultProfile() {
        return byName.get(DEFAULT);
    }

    /** Configured profile names, sorted. */
    public SortedSet<String> names() {
        return new TreeSet<>(byName.keySet());
    }

    /** Names of the profiles that deliver the root filesystem over 9p, for errors that need one. */
    public SortedSet<String> ninePNames() {
        TreeSet<String> names = new TreeSet<>();
        byName.forEach((name, profile) -> {
            if (profile.delivery() == Delivery.NINE_P) {
                names.add(name);
            }
        });
        return names;
    }

    static KernelProfile profile(String name, KernelConfig kernel) {
        CommandLineKind kind = Named.parse(CommandLineKind.class, "command-line", kernel.commandLine());
        KernelProfile profile = KernelProfile.defaults(name, location(kernel), kind);
        Named.parse(KernelProfile.Arch.class, "arch", kernel.arch());
        if (kernel.delivery().isPresent()) {
            profile = profile.withDelivery(Named.parse(Delivery.class, "delivery", kernel.delivery().get()));
        }
        if (kernel.maxEnv().isPresent()) {
            profile = profile.withMaxEnv(kernel.maxEnv().get());
        }
        if (kernel.exit().isPresent()) {
            profile = profile.withExit(Named.parse(ExitDetection.class, "exit", kernel.exit().get()));
        }
        if (kernel.nonPieViaInterpreter().isPresent()) {
            profile = profile.withNonPieViaInterpreter(kernel.nonPieViaInterpreter().get());
        }
        boolean configured = kernel.stackStart().isPresent() || kernel.stackEnd().isPresent();
        if (configured && kernel.stackCalibrationLog().isPresent()) {
            throw new IllegalArgumentException("set either stack-start/stack-end or stack-calibration-log, not both");
        }
        if (configured) {
            long start = address("stack-start", kernel.stackStart());
            long end = address("stack-end", kernel.stackEnd());
            profile = profile.withStack(new StackRange(start, end), StackSource.CONFIGURED);
        }
        if (kernel.stackCalibrationLog().isPresent()) {
            profile = profile.withStack(StackCalibration.fromConsoleLog(kernel.stackCalibrationLog().get().toAbsolutePath()),
                    StackSource.CALIBRATED);
        }
        return profile;
    }

    private static KernelLocation location(KernelConfig kernel) {
        if (kernel.kernel().isPresent() == kernel.kernelOci().isPresent()) {
            throw new IllegalArgumentException("set exactly one of kernel (a file) and kernel-oci (an OCI reference)");
        }
        return kernel.kernel().<KernelLocation>map(path -> new KernelLocation.File(path.toAbsolutePath()))
                .orElseGet(() -> new KernelLocation.Oci(kernel.kernelOci().get()));
    }

    private static long address(String key, Optional<String> value) {
        String text = value.orElseThrow(() -> new IllegalArgumentException("stack-start and stack-end go together: " + key + " is missing"));
        String digits = text.startsWith("0x") || text.startsWith("0X") ? text.substring(2) : text;
        try {
            return Long.parseUnsignedLong(digits, 16);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " \"" + text + "\" is not a hex address such as 0x400040000");
        }
    }
}
