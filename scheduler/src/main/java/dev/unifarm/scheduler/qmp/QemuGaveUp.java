package dev.unifarm.scheduler.qmp;

import dev.unifarm.scheduler.Accelerator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * QEMU stopped the guest for good but stays alive: QMP {@code query-status} says
 * {@code internal-error} (KVM could not run an instruction: {@code KVM internal error. Suberror: 1 …
 * emulation failure} in QEMU's log) or {@code guest-panicked}. Nothing more will come from such a
 * guest, so the instance ends at once with QEMU's own words instead of staying {@code Booting}.
 *
 * @param runState QMP's run state
 */
public record QemuGaveUp(String runState) {

    /** The lines of QEMU's log that say what went wrong (not its register dump or "extra data" words). */
    private static final Pattern WORDS = Pattern.compile("(?i)error|failure|panic");
    private static final Pattern NOISE = Pattern.compile("^extra data\\[");
    private static final int MAX_WORDS = 4;

    public static Optional<QemuGaveUp> of(String runState) {
        return switch (runState) {
            case "internal-error", "guest-panicked" -> Optional.of(new QemuGaveUp(runState));
            default -> Optional.empty();
        };
    }

    /** The instance's reason: {@code QemuInternalError} or {@code GuestPanicked}. */
    public String reason() {
        return runState.equals("internal-error") ? "QemuInternalError" : "GuestPanicked";
    }

    /** What the instance's message says, with QEMU's own words from its log. */
    public String message(Accelerator accel, List<String> qemuLog) {
        List<String> words = qemuLog.stream().map(String::strip)
                .filter(l -> WORDS.matcher(l).find() && !NOISE.matcher(l).find()).limit(MAX_WORDS).toList();
        String said = words.isEmpty() ? "" : "; QEMU: " + String.join(" | ", words);
        String hint = runState.equals("internal-error") && accel == Accelerator.kvm
                ? "; this host's KVM could not run the guest: unifarm.scheduler.accelerator=tcg runs guests under software emulation"
                : "";
        return "QEMU stopped the guest (run state " + runState + " under " + accel + ")" + said + hint;
    }
}
