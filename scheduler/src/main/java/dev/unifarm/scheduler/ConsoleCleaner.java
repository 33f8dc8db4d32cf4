package dev.unifarm.scheduler;

import java.util.regex.Pattern;

/** Removes terminal noise from serial output: ANSI/VT100 escapes (SeaBIOS clears the screen) and carriage returns. */
final class ConsoleCleaner {

    private static final Pattern ESCAPES = Pattern.compile("\u001B(\\[[0-?]*[ -/]*[@-~]|[()][0-9A-Za-z]|[@-~])");
    private static final Pattern CONTROLS = Pattern.compile("[\\x00-\\x08\\x0B-\\x1F\\x7F]");

    private ConsoleCleaner() {
    }

    static String clean(String line) {
        return CONTROLS.matcher(ESCAPES.matcher(line).replaceAll("")).replaceAll("");
    }
}
