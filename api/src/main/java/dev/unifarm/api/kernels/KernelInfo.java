package dev.unifarm.api.kernels;

import dev.unifarm.api.farm.KernelPresence;
import dev.unifarm.imager.model.KernelProfile;
import dev.unifarm.imager.model.StackRange;
import dev.unifarm.scheduler.coverage.KernelSyscallTable;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A configured kernel profile as the API shows it, with the Linux syscalls its kernel implements
 * where the farm knows them.
 *
 * @param kernel a file path on the farm ({@code kernelSource} {@code file}) or an OCI reference ({@code oci})
 * @param delivery how the root filesystem reaches the kernel: {@code initrd} or {@code 9pfs}
 * @param commandLine the command-line kind the kernel understands: {@code linux} or {@code unikraft}
 * @param maxEnv env entries its command line can carry (the runtime's own included)
 * @param exit how the app's end shows: {@code linux-panic}, {@code unifarm-compat} (the
 *     compatibility layer's end line, then it powers the VM off), or {@code none} (the VM runs on until stopped)
 * @param nonPieViaInterpreter whether a non-PIE host is started through its ELF interpreter
 * @param isDefault whether an app spec without {@code kernel} gets this profile
 * @param syscalls the Linux x86_64 syscalls the kernel implements, sorted; {@code null} when unknown
 *        (a Unikraft profile without {@code syscalls-symbols} or {@code provided-syscalls})
 * @param syscallsSource where {@code syscalls} came from: {@code symbols}, {@code provided-syscalls}, or
 *        {@code linux} (a stock Linux kernel: all of them); {@code null} when unknown
 * @param notes what the profile assumes of its kernel beyond these fields (e.g. a Unikraft initrd
 *        profile's ramfs at {@code /}); empty when nothing
 * @param kernelPresent whether a build can get the kernel now: the file exists, or it is an OCI
 *        reference (pulled at build time); an upload naming a profile without one is refused ({@code kernel-missing})
 * @param kernelDetail where the kernel is expected and, when missing, how to configure it
 */
@Schema(description = "A configured kernel profile (unifarm.kernels.<name>)")
public record KernelInfo(
        @Schema(description = "The profile's name, as an app spec's kernel names it")
        String name,
        @Schema(description = "A file path on the farm (kernelSource file) or an OCI reference (kernelSource oci)")
        String kernel,
        @Schema(description = "Where the kernel comes from: file or oci")
        String kernelSource,
        @Schema(description = "The guest architecture, e.g. x86_64")
        String arch,
        @Schema(description = "How the root filesystem reaches the kernel: initrd or 9pfs")
        String delivery,
        @Schema(description = "The command-line kind the kernel understands: linux or unikraft")
        String commandLine,
        @Schema(description = "Env entries its command line can carry (the runtime's own included)")
        int maxEnv,
        @Schema(description = "How the app's end shows: linux-panic, unifarm-compat (the compatibility layer's end line, then"
                + " it powers the VM off) or none (the VM runs on until stopped)")
        String exit,
        @Schema(description = "Whether a non-PIE host is started through its ELF interpreter")
        boolean nonPieViaInterpreter,
        @Schema(description = "The application stack range the image's /proc/1/maps describes")
        Stack stack,
        @Schema(description = "Whether an app spec without kernel gets this profile")
        boolean isDefault,
        @Schema(description = "The Linux x86_64 syscalls the kernel implements, sorted; null when unknown")
        List<String> syscalls,
        @Schema(description = "Where syscalls came from: symbols, provided-syscalls or linux (a stock Linux kernel: all of them);"
                + " null when unknown")
        String syscallsSource,
        @Schema(description = "What the profile assumes of its kernel beyond these fields; empty when nothing")
        List<String> notes,
        @Schema(description = "Whether a build can get the kernel now: the file exists, or it is an OCI reference (pulled at build time)")
        boolean kernelPresent,
        @Schema(description = "Where the kernel is expected and, when missing, how to configure it")
        String kernelDetail) {

    /** The application stack range the image's {@code /proc/1/maps} describes, and where it came from. */
    @Schema(description = "The application stack range the image's /proc/1/maps describes")
    public record Stack(
            @Schema(description = "Lowest address, hex") String start,
            @Schema(description = "End address, hex") String end,
            @Schema(description = "Where the range came from: derived (from the kernel's known behaviour), configured or calibrated (a probe boot)") String source) {
    }

    static KernelInfo of(KernelProfile profile, boolean isDefault, Optional<KernelSyscallTable> table) {
        StackRange stack = profile.stack();
        KernelPresence presence = KernelPresence.of(profile);
        String source = profile.kernel() instanceof KernelProfile.KernelLocation.File ? "file" : "oci";
        return new KernelInfo(profile.name(), profile.kernel().location(), source, profile.arch().configName(),
                profile.delivery().configName(), profile.commandLine().configName(), profile.maxEnv(), profile.exit().configName(),
                profile.nonPieViaInterpreter(),
                new Stack(hex(stack.start()), hex(stack.end()), profile.stackSource().configName()), isDefault,
                table.map(t -> List.copyOf(t.linuxNames())).orElse(null), table.map(KernelSyscallTable::source).orElse(null),
                ProfileNotes.of(profile), presence.present(), presence.detail());
    }

    private static String hex(long address) {
        return "0x" + Long.toHexString(address);
    }
}
