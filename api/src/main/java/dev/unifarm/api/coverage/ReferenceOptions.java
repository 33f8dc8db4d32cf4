package dev.unifarm.api.coverage;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The optional body of {@code POST …/coverage/reference}.
 *
 * @param failSyscalls syscalls strace fails with ENOSYS in the app, as a kernel without them would (empty: a plain reference run)
 */
@Schema(name = "ReferenceOptions", description = "Options of a reference run")
public record ReferenceOptions(
        @Schema(description = "Linux x86_64 syscall names strace fails with ENOSYS in the app (-e inject=…:error=ENOSYS), as a kernel"
                + " without them would; such a run is recorded with source \"injected\", not as the revision's reference profile") List<String> failSyscalls) {

    List<String> failSyscallsOrEmpty() {
        return failSyscalls == null ? List.of() : failSyscalls;
    }
}
