package dev.unifarm.scheduler;

import java.util.List;
import java.util.regex.Pattern;

/** Picks the console line that best says why an app failed: a fatal runtime line, else its last words. */
final class FailureSummary {

    /** Lines CoreCLR and its host print when they give up. */
    private static final Pattern FATAL = Pattern.compile(
            "Unhandled Exception|HRESULT|Failed to (initialize|create|resolve|load)|Segmentation fault|Aborted|error:",
            Pattern.CASE_INSENSITIVE);

    private FailureSummary() {
    }

    static String of(List<String> appLines) {
        return appLines.stream().filter(line -> FATAL.matcher(line).find()).findFirst()
                .or(() -> appLines.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(appLines.get(appLines.size() - 1)))
                .orElse("the app printed nothing");
    }
}
