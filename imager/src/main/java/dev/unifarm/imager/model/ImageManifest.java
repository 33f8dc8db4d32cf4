package dev.unifarm.imager.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What an image is: kernel, root filesystem, how to start the app, and what it is made of. Its
 * sha256 (canonical JSON) names the image, so the same inputs always give the same digest.
 *
 * @param profile kernel profile name
 * @param kernel kernel image path on the farm
 * @param kernelDigest sha256 of the kernel image, so a replaced kernel makes a new image
 * @param initrd digest of the root filesystem as cpio newc: the initrd blob, or for a {@code 9pfs}
 *     profile the name of the same tree written as a directory
 * @param executable the program the kernel starts (the .NET host)
 * @param entrypoint the app's main assembly inside the image
 * @param args the app's default arguments
 * @param env the app's environment, including the runtime settings the imager adds
 * @param runtime the .NET runtime version in the image
 * @param sizes bytes per part: app, runtime, libraries, initrd
 * @param boot how the profile boots it: rootfs delivery, command-line kind, exit detection, loader, stack
 */
public record ImageManifest(int schemaVersion, String profile, String kernel, String kernelDigest, String initrd, String executable,
        String entrypoint, List<String> args, SortedMap<String, String> env, String runtime,
        SortedMap<String, Long> sizes, Boot boot) {

    /** 2: {@code boot} added; a version 1 manifest (no {@code boot}) was built for the linux profile. */
    public static final int SCHEMA_VERSION = 2;

    public ImageManifest {
        args = List.copyOf(args);
        env = new TreeMap<>(env);
        sizes = new TreeMap<>(sizes);
        boot = boot != null ? boot : Boot.of(KernelProfile.linux(Path.of(kernel)), null);
    }

    /** A manifest for the linux profile, as every manifest was before profiles became data. */
    public ImageManifest(int schemaVersion, String profile, String kernel, String kernelDigest, String initrd, String executable,
            String entrypoint, List<String> args, SortedMap<String, String> env, String runtime, SortedMap<String, Long> sizes) {
        this(schemaVersion, profile, kernel, kernelDigest, initrd, executable, entrypoint, args, env, runtime, sizes, null);
    }

    /**
     * The profile's part of the manifest: what the scheduler needs to boot the image, and the stack
     * range the image's {@code /proc/1/maps} describes with where it came from.
     *
     * @param delivery {@code initrd} or {@code 9pfs}
     * @param commandLine the command-line kind, e.g. {@code unikraft}
     * @param exit how the app's end shows: {@code linux-panic} or {@code none}
     * @param loader the ELF interpreter the host is started through, or null
     * @param maxEnv env entries the command line carries (instance overrides are checked against it)
     * @param initEnv the image's {@code /init} decodes env values the command line cannot carry as words
     *     (spaces, quotes: {@code GuestEnv}); false in manifests written before it existed, and left out
     *     of the JSON when false so those images keep their digests
     * @param resumeHelper the image's {@code /init} leaves the guest resume helper ({@link ResumeProtocol}) waiting on
     *     the control serial port: after a snapshot restore it steps the guest clock and reseeds the kernel's CRNG.
     *     Only such images are snapshotted; left out of the JSON when false (older images keep their digests)
     */
    public record Boot(String delivery, String commandLine, String exit, String loader, int maxEnv, Stack stack,
            @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean initEnv,
            @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean resumeHelper) {

        /** An image whose env values must all be command-line words. */
        public Boot(String delivery, String commandLine, String exit, String loader, int maxEnv, Stack stack) {
            this(delivery, commandLine, exit, loader, maxEnv, stack, false, false);
        }

        public Boot(String delivery, String commandLine, String exit, String loader, int maxEnv, Stack stack, boolean initEnv) {
            this(delivery, commandLine, exit, loader, maxEnv, stack, initEnv, false);
        }

        public static Boot of(KernelProfile profile, String loader) {
            return of(profile, loader, false);
        }

        public static Boot of(KernelProfile profile, String loader, boolean initEnv) {
            return of(profile, loader, initEnv, false);
        }

        public static Boot of(KernelProfile profile, String loader, boolean initEnv, boolean resumeHelper) {
            StackRange range = profile.stack();
            return new Boot(profile.delivery().configName(), profile.commandLine().configName(), profile.exit().configName(),
                    loader, profile.maxEnv(), new Stack(hex(range.start()), hex(range.end()), profile.stackSource().configName()),
                    initEnv, resumeHelper);
        }

        public KernelProfile.Delivery rootfsDelivery() {
            return KernelProfile.Named.parse(KernelProfile.Delivery.class, "delivery", delivery);
        }

        public CommandLineKind commandLineKind() {
            return KernelProfile.Named.parse(CommandLineKind.class, "command line", commandLine);
        }

        public KernelProfile.ExitDetection exitDetection() {
            return KernelProfile.Named.parse(KernelProfile.ExitDetection.class, "exit detection", exit);
        }

        private static String hex(long address) {
            return "0x" + Long.toHexString(address);
        }
    }

    /** The stack range as hex addresses, and {@code derived}, {@code configured} or {@code calibrated}. */
    public record Stack(String start, String end, String source) {
    }
}
