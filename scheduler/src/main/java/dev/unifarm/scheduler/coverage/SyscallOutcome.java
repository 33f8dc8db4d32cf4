package dev.unifarm.scheduler.coverage;

/**
 * How the kernel answered one system call (docs/coverage.md, "Syscall coverage"): {@code ok};
 * {@code stubbed} — it only pretends ({@code "<name>() stubbed"}, {@code STUB: <name>});
 * {@code enosys} — not implemented ({@code -38}, {@code syscall "<name>" is not available});
 * {@code error} — implemented, failed.
 */
public enum SyscallOutcome {
    ok, stubbed, enosys, error
}
