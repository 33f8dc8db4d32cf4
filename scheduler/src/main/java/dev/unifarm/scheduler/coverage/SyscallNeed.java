package dev.unifarm.scheduler.coverage;

/**
 * One syscall's class and the trials that decided it ({@code fake} null when the stub passed or the syscall is never
 * faked; both null when untried); {@code note} says why a trial was not run, else null.
 */
public record SyscallNeed(String syscall, NeedClass needClass, NeedsTrial stub, NeedsTrial fake, String note) {
}
