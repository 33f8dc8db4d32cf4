package dev.unifarm.scheduler.console;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/** Removes terminal noise from serial output: ANSI/VT100 escapes (SeaBIOS clears the screen) and carriage returns. */
public final class ConsoleCleaner {

    private static final String RESET = "\u001Bc";
    private static final Pattern ESCAPES = Pattern.compile("\u001B(\\[[0-?]*[ -/]*[@-~]|[()][0-9A-Za-z]|[@-~])");
    private static final Pattern CONTROLS = Pattern.compile("[\\x00-\\x08\\x0B-\\x1F\\x7F]");

    private ConsoleCleaner() {
    }

    /**
     * Cleans one raw console line, splitting it where a terminal reset ({@code ESC c}) sits: SeaBIOS
     * ends "Booting from ROM.." without a newline and resets the screen, so the app's first line would
     * otherwise be glued to the firmware's.
     */
    public static List<String> lines(String raw) {
        if (!raw.contains(RESET)) {
            return List.of(clean(raw));
        }
        return Arrays.stream(raw.split(RESET, -1)).map(ConsoleCleaner::clean).filter(line -> !line.isEmpty()).toList();
    }

    public static String clean(String line) {
        return CONTROLS.matcher(ESCAPES.matcher(line).replaceAll("")).replaceAll("");
    }
}
