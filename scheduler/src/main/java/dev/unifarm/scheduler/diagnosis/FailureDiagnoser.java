package dev.unifarm.scheduler.diagnosis;

import dev.unifarm.scheduler.coverage.StraceLine;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Console lines → the known failure they show, if any. Fed line by line while the VM runs (a trace
 * can be long; only the evidence is kept), asked once the run ended. The most specific signature seen
 * wins ({@link Reasons} order), so an {@code OutOfMemoryException} beats the {@code Unhandled
 * Exception:} printed just before it; evidence seen earlier refines a signature: the shared
 * {@code /dev/zero} mapping refused before an {@code OutOfMemoryException}, the {@code mknodat} ENOSYS
 * before an {@code HRESULT: 0x80004005} (rather than a wrong stack mapping). A vital ENOSYS seen after
 * the runtime gave up counts too: a traced run under {@code linux} prints strace's trace only once the
 * app has ended, so its {@code (INJECTED)} ENOSYS lines follow the HRESULT line.
 */
public final class FailureDiagnoser {

    /** Every reason a diagnosis can carry (the diagnosis counter's tag values). */
    public static final Set<String> REASONS = Set.of(Reasons.ALL);

    /** Unikraft's paging on a CPU model without {@code pdpe1gb} (TCG's default): the kernel halts before the app. */
    private static final Pattern NO_1GIB_PAGES = Pattern.compile("1GiB pages not supported");
    /** vfscore's initrd extraction into a {@code /} that is no writable filesystem (no ramfs mounted there first). */
    private static final Pattern ROOT_EXTRACT = Pattern.compile("Failed to extract cpio archive to /");
    // The loader's error texts as app-elfloader's elf_load.c and main.c print them (uk_pr_err: "ERR:  [appelfloader] <file @ line> …").
    private static final Pattern NOT_PIE = Pattern.compile("ELF executable is not position-independent");
    /** The program's PT_INTERP could not be loaded; the interpreter's own open failure is printed under the name {@code <interp>}. */
    private static final Pattern INTERPRETER = Pattern.compile("Failed to load program interpreter|<interp>: Failed to execute");
    private static final Pattern WRONG_MACHINE = Pattern.compile(
            "ERR:.*\\[appelfloader\\].*(ELF machine type mismatch|ELF OS ABI unsupported)");
    /** Only with CONFIG_APPELFLOADER_CUSTOMAPPNAME (the program from argv): nothing after {@code --}. */
    private static final Pattern NO_PROGRAM = Pattern.compile("ERR:.*\\[appelfloader\\].*Program name missing");
    private static final Pattern LOADER = Pattern.compile("ERR:.*\\[appelfloader\\].*(Parsing of ELF image failed|Failed to execute"
            + "|Image format not recognized|Failed to copy the executable|Requests program interpreter: Unsupported"
            + "|No image found|Failed to find executable)");
    private static final Pattern PAGING_ASSERT = Pattern.compile("CRIT:.*paging\\.c.*Assertion failure");
    private static final Pattern SHARED_MMAP_REFUSED = Pattern.compile("mmap\\(.*MAP_SHARED.*= Operation not supported \\(-95\\)");
    private static final Pattern CLR_OOM = Pattern.compile("OutOfMemoryException");
    /** Linux's OOM killer; init (the app, PID 1) is never its victim, so with nothing else to kill the kernel panics. */
    private static final Pattern KERNEL_OOM = Pattern.compile("Out of memory: Kill(ed)? process|oom-kill:|invoked oom-killer"
            + "|Out of memory and no killable processes|System is deadlocked on memory");
    private static final Pattern SELF_EXE = Pattern.compile("Failed to resolve full path of the current executable");
    private static final Pattern HR_FAIL = Pattern.compile("HRESULT: 0x80004005|Failed to create CoreCLR, HRESULT: 0x8007000E");
    private static final Pattern HR_PATH_TOO_LONG = Pattern.compile("HRESULT: 0x800700CE");
    private static final Pattern HR_DEV_ZERO = Pattern.compile("HRESULT: 0x8007054F");
    /** The runtime gave up: after a vital ENOSYS, that syscall is the likely cause. */
    private static final Pattern GAVE_UP = Pattern.compile("HRESULT|Aborted|Assertion");
    private static final Pattern CONTINUATION = Pattern.compile("^\\s+\\(");
    private static final Pattern GLUED_WRITE = Pattern.compile("write\\(fd:\\d+, \".*$");
    private static final Pattern UNHANDLED = Pattern.compile("Unhandled Exception:?\\s*(\\S.*)?");

    /** Vital syscalls seen failing with ENOSYS; bounded by the number of syscall names. */
    private final Set<String> missingSyscalls = new LinkedHashSet<>();
    private String sharedMmapRefused;
    /** The most specific signature so far (an earlier one wins a tie). */
    private Diagnosis best;
    private String unhandledLine;
    /** The first line where the runtime gave up ({@link #GAVE_UP}), for an ENOSYS that comes after it. */
    private String gaveUpLine;
    private String previous;

    /** The diagnosis of a whole console, e.g. a recording. */
    public static Optional<Diagnosis> of(Iterable<String> lines) {
        FailureDiagnoser diagnoser = new FailureDiagnoser();
        lines.forEach(diagnoser::accept);
        return diagnoser.diagnosis();
    }

    public synchronized void accept(String line) {
        MissingSyscalls.vitalIn(line).ifPresent(missingSyscalls::add);
        if (sharedMmapRefused == null && SHARED_MMAP_REFUSED.matcher(line).find()) {
            sharedMmapRefused = line;
        }
        if (unhandledLine != null && unhandledLine.equals("Unhandled Exception:")) {
            // app-elfloader's console splits "Unhandled Exception:" and the exception over two lines
            unhandledLine = unhandledLine + " " + cut(line);
        }
        // a trace line naming such a text is a call, not the runtime giving up
        if (gaveUpLine == null && GAVE_UP.matcher(line).find() && StraceLine.find(line).isEmpty()) {
            gaveUpLine = evidence(line, previous);
        }
        signature(line, previous).filter(found -> best == null || Reasons.rank(found.reason()) < Reasons.rank(best.reason()))
                .ifPresent(found -> best = found);
        previous = line;
    }

    /** The most specific known signature seen, if any. */
    public synchronized Optional<Diagnosis> diagnosis() {
        if (best == null) {
            return gaveUpLine != null && !missingSyscalls.isEmpty() ? Optional.of(syscallMissing(gaveUpLine)) : Optional.empty();
        }
        Diagnosis first = best;
        if (gaveUpLine != null && !missingSyscalls.isEmpty()
                && Reasons.rank(Reasons.SYSCALL_NOT_IMPLEMENTED) < Reasons.rank(first.reason())) {
            // the ENOSYS came after the line where the runtime gave up (a trace printed at the end)
            return Optional.of(syscallMissing(gaveUpLine));
        }
        if (first.reason().equals(Reasons.UNHANDLED_EXCEPTION) && unhandledLine != null) {
            first = new Diagnosis(first.reason(), first.cause(), first.fix(), unhandledLine);
        }
        return Optional.of(first);
    }

    private Optional<Diagnosis> signature(String line, String before) {
        // CoreCLR prints an exception's HRESULT on a line of its own, " (Exception from HRESULT: …)": keep the exception too
        String evidence = evidence(line, before);
        if (NO_1GIB_PAGES.matcher(line).find()) {
            return Optional.of(new Diagnosis(Reasons.CPU_FEATURE_MISSING, "the guest CPU model has no 1 GiB pages (pdpe1gb),"
                    + " which the kernel's paging needs: it halted before the app started",
                    "boot with a CPU model that has them: under TCG -cpu max (the farm's command line for Unikraft profiles),"
                            + " under KVM a host CPU with pdpe1gb", evidence));
        }
        if (ROOT_EXTRACT.matcher(line).find()) {
            return Optional.of(new Diagnosis(Reasons.ROOT_NOT_EXTRACTABLE, "the kernel could not extract the initrd into /"
                    + " (vfs.fstab initrd0:/:extract:::): its configuration mounts no ramfs at / first",
                    "use a kernel whose configuration mounts a ramfs at / (as app-elfloader's own does), or the 9pfs delivery",
                    evidence));
        }
        if (NOT_PIE.matcher(line).find()) {
            return Optional.of(new Diagnosis(Reasons.NOT_PIE, "the kernel's ELF loader runs only position-independent executables"
                    + " and the program is not one (the .NET host is ET_EXEC)",
                    "run the host through its interpreter /lib64/ld-linux-x86-64.so.2 (a kernel profile with nonPieViaInterpreter)"
                            + " or use a PIE host", evidence));
        }
        if (INTERPRETER.matcher(line).find()) {
            return Optional.of(new Diagnosis(Reasons.INTERPRETER_MISSING, "the program's interpreter (PT_INTERP) is not in the image",
                    "ship the dynamic loader the program names (the imager's ELF closure adds /lib64/ld-linux-x86-64.so.2)"
                            + " or build the program static-PIE", evidence));
        }
        if (WRONG_MACHINE.matcher(line).find()) {
            return Optional.of(new Diagnosis(Reasons.WRONG_MACHINE, "the program is built for another machine (or OS ABI) than the kernel",
                    "use an x86-64 build of the app and its native libraries, or a kernel for the app's architecture", evidence));
        }
        if (NO_PROGRAM.matcher(line).find()) {
            return Optional.of(new Diagnosis(Reasons.NO_PROGRAM, "the kernel was given no program to run (no argv[1] after --)",
                    "put at least one kernel parameter before -- and the program path after it", evidence));
        }
        if (LOADER.matcher(line).find()) {
            return Optional.of(new Diagnosis(Reasons.LOADER_FAILED, "the kernel's ELF loader refused the program",
                    "check the program named in the line is an x86-64 PIE ELF file present in the image", evidence));
        }
        if (PAGING_ASSERT.matcher(line).find()) {
            return Optional.of(new Diagnosis(Reasons.INITRD_OVERLAP, "a large initrd occupies the physical memory where the"
                    + " non-PIE executable must be mapped (0x400000) and the kernel's paging asserts",
                    "use the 9pfs root (kernel profile delivery 9pfs) or a PIE host", evidence));
        }
        if (CLR_OOM.matcher(line).find()) {
            if (sharedMmapRefused != null) {
                return Optional.of(new Diagnosis(Reasons.SHARED_MMAP_UNSUPPORTED, "the kernel refused a shared mapping of /dev/zero"
                        + " (" + cut(sharedMmapRefused) + "), which the runtime reports as OutOfMemoryException; without tgkill"
                        + " its abort cannot end the VM",
                        "use a kernel whose mmap of /dev/zero with MAP_SHARED gives anonymous memory", evidence));
            }
            return Optional.of(outOfMemory(evidence));
        }
        if (KERNEL_OOM.matcher(line).find()) {
            return Optional.of(outOfMemory(evidence));
        }
        if (SELF_EXE.matcher(line).find()) {
            return Optional.of(new Diagnosis(Reasons.SELF_EXE_MISSING, "the .NET host cannot find its own path: /proc/self/exe"
                    + " is missing (there is no procfs; the image's /proc/1/exe stands in for it)",
                    "rebuild the image with the /proc/1/exe patch (/proc/self -> 1, /proc/1/exe -> the host)", evidence));
        }
        if (HR_FAIL.matcher(line).find()) {
            if (!missingSyscalls.isEmpty()) {
                return Optional.of(syscallMissing(evidence));
            }
            return Optional.of(new Diagnosis(Reasons.STACK_MAPPING, "CoreCLR could not find its stack: /proc/1/maps has no [stack]"
                    + " line covering the kernel's real application stack",
                    "rebuild the image with the [stack] patch and the kernel profile's stack range (calibrate it from the"
                            + " kernel's 'Application stack at' line)", evidence));
        }
        if (HR_PATH_TOO_LONG.matcher(line).find()) {
            return Optional.of(new Diagnosis(Reasons.STATFS_NAMELEN, "the kernel's statfs reports f_namelen 0, so every path"
                    + " looks too long to the runtime (HRESULT 0x800700CE)",
                    "use a kernel whose statfs reports f_namelen 255", evidence));
        }
        if (HR_DEV_ZERO.matcher(line).find()) {
            return Optional.of(new Diagnosis(Reasons.DEV_ZERO_MISSING, "/dev/zero is missing, so the runtime cannot map memory"
                    + " for an assembly (HRESULT 0x8007054F)",
                    "rebuild the image with /dev/zero (character device 1,5) or use a kernel whose devfs provides it", evidence));
        }
        if (!missingSyscalls.isEmpty() && GAVE_UP.matcher(line).find()) {
            return Optional.of(syscallMissing(evidence));
        }
        if (UNHANDLED.matcher(line).find()) {
            if (unhandledLine == null) { // the first exception is the one that ended the app
                unhandledLine = cut(line.substring(line.indexOf("Unhandled Exception")));
            }
            return Optional.of(new Diagnosis(Reasons.UNHANDLED_EXCEPTION, "the app threw an exception nothing caught",
                    "fix the app: the exception and its message are in the console", evidence));
        }
        return Optional.empty();
    }

    private static Diagnosis outOfMemory(String evidence) {
        return new Diagnosis(Reasons.OUT_OF_MEMORY, "the app ran out of memory",
                "give the instance more memory (spec memory) or make the app use less", evidence);
    }

    /** The first vital syscall seen failing with ENOSYS; mknodat has its own story (2.0's debugger pipe). */
    private Diagnosis syscallMissing(String evidence) {
        if (missingSyscalls.contains("mknodat")) {
            return new Diagnosis(Reasons.SYSCALL_NOT_IMPLEMENTED, "the kernel does not implement mknodat, which"
                    + " .NET Core 2.0 needs for its debugger pipe (it ignores COMPlus_EnableDiagnostics=0)",
                    "use a kernel with mknodat (FIFOs) or a runtime that honours diagnostics off", evidence);
        }
        String name = missingSyscalls.iterator().next();
        return new Diagnosis(Reasons.SYSCALL_NOT_IMPLEMENTED, "the kernel does not implement " + name + ", which the runtime"
                + " cannot do without (ENOSYS)", "use a kernel that implements " + name, evidence);
    }

    /** The line as evidence; CoreCLR's {@code " (Exception from HRESULT: …)"} line keeps the exception before it. */
    private static String evidence(String line, String before) {
        return CONTINUATION.matcher(line).find() && before != null ? cut(before) + " " + cut(line) : cut(line);
    }

    /**
     * The evidence line, at most 300 characters, without the strace line of the app's own
     * {@code write} that app-elfloader's console glues to the text it wrote.
     */
    private static String cut(String line) {
        String strip = GLUED_WRITE.matcher(line).replaceFirst("").strip();
        return strip.length() <= 300 ? strip : strip.substring(0, 300) + "…";
    }
}
