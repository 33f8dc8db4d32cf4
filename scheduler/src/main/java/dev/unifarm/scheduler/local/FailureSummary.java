package dev.unifarm.scheduler.local;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Picks the console lines that best say why an app failed when no known signature did
 * ({@link dev.unifarm.scheduler.diagnosis.FailureDiagnoser}): a fatal runtime line, else its last words.
 */
final class FailureSummary {

    /** Lines CoreCLR and its host print when they give up. */
    private static final Pattern FATAL = Pattern.compile(
            "Unhandled Exception|HRESULT|Failed to (initialize|create|resolve|load)|Segmentation fault|Aborted|error:",
            Pattern.CASE_INSENSITIVE);
    /** How many last lines an unknown failure keeps: enough for a message and its context. */
    static final int LAST_LINES = 3;

    private FailureSummary() {
    }

    static String of(List<String> appLines) {
        return appLines.stream().filter(line -> FATAL.matcher(line).find()).findFirst()
                .or(() -> lastLines(appLines))
                .orElse("the app printed nothing");
    }

    /** The last {@link #LAST_LINES} lines joined with {@code " | "}, or empty when there are none. */
    static Optional<String> lastLines(List<String> appLines) {
        return appLines.isEmpty() ? Optional.empty()
                : Optional.of(String.join(" | ", appLines.subList(Math.max(0, appLines.size() - LAST_LINES), appLines.size())));
    }
}
