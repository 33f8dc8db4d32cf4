package dev.unifarm.scheduler.coverage;

import dev.unifarm.imager.model.LinuxSyscalls;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.fornwall.jelf.ElfException;
import net.fornwall.jelf.ElfFile;
import net.fornwall.jelf.ElfSymbol;
import net.fornwall.jelf.ElfSymbolTableSection;

/**
 * The syscalls a kernel implements (docs/coverage.md, "Syscall coverage"): what predicted coverage
 * compares an app's syscall set with. Read from the {@code .dbg} image's {@code uk_syscall_r_<name>}
 * symbols (the ELF itself or a listing of the names), or from the build's {@code provided_syscalls.in};
 * a stock Linux kernel implements all of them ({@link #linux()}).
 *
 * @param names every name the source lists (Unikraft also has non-x86_64 names such as {@code fstatat})
 * @param source {@code symbols}, {@code provided-syscalls} or {@code linux}
 */
public record KernelSyscallTable(Set<String> names, String source) {

    private static final String SYMBOL_PREFIX = "uk_syscall_r_";
    /**
     * The kind prefixes of a syscall's entry: {@code e_} the execution-environment variant
     * ({@code uk_syscall_r_e_clone}), {@code u_} one registered with a user-context entry
     * ({@code uk_syscall_r_u_arch_prctl}, {@code arch_prctl-3u} in provided_syscalls.in; 0.16's
     * stock kernel lists arch_prctl and clone only so). Either way the call is implemented.
     */
    private static final Pattern KIND_PREFIX = Pattern.compile("^[eu]_");
    private static final Pattern PROVIDED = Pattern.compile("([a-z0-9_]+)-(\\d+)([eu]?)");
    private static final byte[] ELF_MAGIC = {0x7f, 'E', 'L', 'F'};

    public KernelSyscallTable {
        names = java.util.Collections.unmodifiableSet(new TreeSet<>(Objects.requireNonNull(names, "names")));
        Objects.requireNonNull(source, "source");
    }

    /** A stock Linux kernel: every x86_64 syscall. */
    public static KernelSyscallTable linux() {
        return new KernelSyscallTable(LinuxSyscalls.all(), "linux");
    }

    /** The names that are Linux x86_64 syscalls: what an app's trace can be compared with. */
    public Set<String> linuxNames() {
        Set<String> linux = new TreeSet<>();
        names.stream().filter(LinuxSyscalls::isSyscall).forEach(linux::add);
        return linux;
    }

    public boolean implementsCall(String name) {
        return names.contains(name);
    }

    /** The {@code .dbg} kernel (an ELF, read through its symbol table) or a listing of its symbol names. */
    public static KernelSyscallTable fromSymbols(Path file) {
        return isElf(file) ? fromElf(file) : fromSymbolListing(read(file));
    }

    /**
     * Lines naming symbols, one a line: the bare name or {@code nm} output ({@code <addr> T <name>}),
     * the name the last word; lines without {@code uk_syscall_r_} are ignored.
     */
    public static KernelSyscallTable fromSymbolListing(List<String> lines) {
        Set<String> names = new TreeSet<>();
        for (String line : lines) {
            String[] words = line.strip().split("\\s+");
            syscallOfSymbol(words[words.length - 1], names);
        }
        return new KernelSyscallTable(names, "symbols");
    }

    /** The {@code uk_syscall_r_*} symbols of an ELF's {@code .symtab}. */
    public static KernelSyscallTable fromElf(Path file) {
        try {
            ElfSymbolTableSection symtab = ElfFile.from(file.toFile()).getSymbolTableSection();
            if (symtab == null) {
                throw new IllegalArgumentException(file + " has no symbol table: give the unstripped .dbg kernel image");
            }
            Set<String> names = new TreeSet<>();
            for (ElfSymbol symbol : symtab.symbols) {
                String name = symbol.getName();
                if (name != null) {
                    syscallOfSymbol(name, names);
                }
            }
            return new KernelSyscallTable(names, "symbols");
        } catch (ElfException | IOException e) {
            throw new IllegalArgumentException(file + " is not a readable ELF file: " + e.getMessage(), e);
        }
    }

    /** A build's {@code provided_syscalls.in}: {@code name-<nargs>[e|u]} lines; blank and {@code #} lines skipped. */
    public static KernelSyscallTable fromProvidedSyscalls(List<String> lines) {
        Set<String> names = new TreeSet<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher m = PROVIDED.matcher(line);
            if (!m.matches()) {
                throw new IllegalArgumentException("provided_syscalls line " + (i + 1) + " \"" + line
                        + "\" is not name-<nargs>[e|u] (e.g. openat-4)");
            }
            names.add(m.group(1));
        }
        return new KernelSyscallTable(names, "provided-syscalls");
    }

    public static KernelSyscallTable fromProvidedSyscalls(Path file) {
        return fromProvidedSyscalls(read(file));
    }

    private static void syscallOfSymbol(String symbol, Set<String> names) {
        if (!symbol.startsWith(SYMBOL_PREFIX) || symbol.length() == SYMBOL_PREFIX.length()) {
            return;
        }
        String name = symbol.substring(SYMBOL_PREFIX.length());
        // uk_syscall_r_e_<name> / uk_syscall_r_u_<name> are <name>'s entries, not syscalls of their own.
        if (!LinuxSyscalls.isSyscall(name)) {
            name = KIND_PREFIX.matcher(name).replaceFirst("");
        }
        names.add(name);
    }

    private static boolean isElf(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(4), ELF_MAGIC);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the kernel syscall table source " + file, e);
        }
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the kernel syscall table source " + file, e);
        }
    }
}
