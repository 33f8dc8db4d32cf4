package dev.unifarm.api.kernels;

import dev.unifarm.api.farm.KernelPresence;
import dev.unifarm.imager.KernelProfile;
import dev.unifarm.imager.StackRange;
import dev.unifarm.scheduler.coverage.KernelSyscallTable;
import java.util.List;
import java.util.Optional;

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
public record KernelInfo(String name, String kernel, String kernelSource, String arch, String delivery, String commandLine,
        int maxEnv, String exit, boolean nonPieViaInterpreter, Stack stack, boolean isDefault,
        List<String> syscalls, String syscallsSource, List<String> notes, boolean kernelPresent, String kernelDetail) {

    /** The application stack range the image's {@code /proc/1/maps} describes, and where it came from. */
    public record Stack(String start, String end, String source) {
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
