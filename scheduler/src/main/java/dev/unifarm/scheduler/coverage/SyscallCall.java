package dev.unifarm.scheduler.coverage;

import java.util.Objects;

/**
 * One system call seen in a trace: its Linux name, its outcome and the result as the tracer printed
 * it ({@code fd:3}, {@code 0x0}, {@code Function not implemented (-38)}; empty when unknown).
 */
public record SyscallCall(String name, SyscallOutcome outcome, String result) {

    public SyscallCall {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(outcome, "outcome");
        result = result == null ? "" : result;
    }
}
