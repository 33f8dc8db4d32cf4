package dev.unifarm.scheduler.diagnosis;

/** The reasons a {@link Diagnosis} can carry, as the instance status shows them, most specific first. */
final class Reasons {

    static final String CPU_FEATURE_MISSING = "CpuFeatureMissing";
    static final String ROOT_NOT_EXTRACTABLE = "RootNotExtractable";
    static final String NOT_PIE = "NotPositionIndependent";
    static final String INTERPRETER_MISSING = "InterpreterMissing";
    static final String WRONG_MACHINE = "WrongMachine";
    static final String NO_PROGRAM = "NoProgram";
    static final String LOADER_FAILED = "LoaderFailed";
    static final String INITRD_OVERLAP = "InitrdOverlapsExecutable";
    static final String SHARED_MMAP_UNSUPPORTED = "SharedMappingUnsupported";
    static final String OUT_OF_MEMORY = "OutOfMemory";
    static final String SELF_EXE_MISSING = "SelfExeMissing";
    static final String SYSCALL_NOT_IMPLEMENTED = "SyscallNotImplemented";
    static final String STACK_MAPPING = "StackMappingWrong";
    static final String STATFS_NAMELEN = "StatfsNameLengthZero";
    static final String DEV_ZERO_MISSING = "DevZeroMissing";
    static final String UNHANDLED_EXCEPTION = "UnhandledException";

    static final String[] ALL = {CPU_FEATURE_MISSING, ROOT_NOT_EXTRACTABLE, NOT_PIE, INTERPRETER_MISSING, WRONG_MACHINE, NO_PROGRAM, LOADER_FAILED, INITRD_OVERLAP,
            SHARED_MMAP_UNSUPPORTED, OUT_OF_MEMORY, SELF_EXE_MISSING, SYSCALL_NOT_IMPLEMENTED, STACK_MAPPING, STATFS_NAMELEN,
            DEV_ZERO_MISSING, UNHANDLED_EXCEPTION};

    /** Position in {@link #ALL}: lower is more specific. */
    static int rank(String reason) {
        return java.util.Arrays.asList(ALL).indexOf(reason);
    }

    private Reasons() {
    }
}
