package dev.unifarm.imager.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a kernel's real application stack from a probe boot's console: app-elfloader built with
 * {@code APPELFLOADER_DEBUG} prints {@code Application stack at 0x… - 0x…, pointer: 0x…}. The range
 * is rounded out to page boundaries, as a {@code /proc/1/maps} line describes whole pages.
 */
public final class StackCalibration {

    static final long PAGE = 0x1000;
    private static final Pattern STACK_LINE = Pattern.compile("Application stack at 0x([0-9a-fA-F]+) - 0x([0-9a-fA-F]+)");

    private StackCalibration() {
    }

    /** The stack of the first {@code Application stack at} line in {@code console}, if any. */
    public static Optional<StackRange> fromConsole(String console) {
        Matcher m = STACK_LINE.matcher(console);
        if (!m.find()) {
            return Optional.empty();
        }
        long start = Long.parseUnsignedLong(m.group(1), 16);
        long end = Long.parseUnsignedLong(m.group(2), 16);
        return Optional.of(new StackRange(start & -PAGE, (end + PAGE - 1) & -PAGE));
    }

    /** The stack from a saved probe-boot console log, or an error saying what the log lacks. */
    public static StackRange fromConsoleLog(Path log) {
        String text;
        try {
            text = Files.readString(log, java.nio.charset.StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the stack calibration log " + log, e);
        }
        return fromConsole(text).orElseThrow(() -> new IllegalArgumentException("the stack calibration log " + log
                + " has no \"Application stack at 0x… - 0x…\" line: probe-boot a kernel built with APPELFLOADER_DEBUG=y"));
    }
}
