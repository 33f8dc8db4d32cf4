package dev.unifarm.scheduler.local;

import dev.unifarm.scheduler.InstanceState;
import dev.unifarm.scheduler.InstanceStatus;
import dev.unifarm.scheduler.console.LinuxConsoleProtocol;
import dev.unifarm.scheduler.diagnosis.Diagnosis;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The end of a run whose app's exit is on the console: {@code Succeeded} for code 0, else
 * {@code Failed} under the console's diagnosis, or the app's fatal line or last words, with how it
 * ended (exit code or signal). One rule for a supervised run and for a guest that ended while the farm
 * was down ({@link ConsoleEnd}).
 */
final class AppEnd {

    private AppEnd() {
    }

    static InstanceStatus of(InstanceStatus status, int waitStatus, Optional<Diagnosis> diagnosis, List<String> appLines, Instant now) {
        int code = LinuxConsoleProtocol.exitCode(waitStatus);
        if (code == 0) {
            return status.finished(InstanceState.Succeeded, 0, "Completed", "the app exited with code 0", now);
        }
        boolean signaled = LinuxConsoleProtocol.killedBySignal(waitStatus);
        String how = signaled ? " (killed by signal " + (waitStatus & 0x7f) + ")" : " (exit code " + code + ")";
        // a known signature names cause and fix; otherwise the app's fatal line or last words
        return diagnosis.map(d -> status.finished(InstanceState.Failed, code, d.reason(), d.message() + how, now))
                .orElseGet(() -> status.finished(InstanceState.Failed, code, signaled ? "Signaled" : "Error",
                        FailureSummary.of(appLines) + how, now));
    }
}
