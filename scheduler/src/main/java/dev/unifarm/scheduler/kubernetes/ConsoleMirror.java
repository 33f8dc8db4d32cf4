package dev.unifarm.scheduler.kubernetes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The farm's copy of a launcher's console in {@code console.log}: append-only, so a follower reading
 * the file by position never sees text twice. The launcher serves its latest lines (a ring); what is
 * new is what follows the last line already written, matched by the lines written so far.
 */
final class ConsoleMirror {

    private final Path file;
    private int written;
    private String lastLine;

    /** Continues a file an earlier farm process wrote (after re-attachment) instead of repeating it. */
    ConsoleMirror(Path file) {
        this.file = file;
        try {
            List<String> existing = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
            written = existing.size();
            lastLine = existing.isEmpty() ? null : existing.get(existing.size() - 1);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    synchronized void write(List<String> lines) throws IOException {
        int from = newFrom(lines);
        if (from >= lines.size()) {
            return;
        }
        StringBuilder text = new StringBuilder();
        lines.subList(from, lines.size()).forEach(line -> text.append(line).append('\n'));
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        written += lines.size() - from;
        lastLine = lines.get(lines.size() - 1);
    }

    /**
     * Where the new lines start: after as many lines as were written, when the line before is the last
     * one written (no ring rotation yet); else right after the last written line's latest occurrence.
     */
    private int newFrom(List<String> lines) {
        if (written == 0) {
            return 0;
        }
        if (written <= lines.size() && lines.get(written - 1).equals(lastLine)) {
            return written;
        }
        int at = lines.lastIndexOf(lastLine);
        return at < 0 ? 0 : at + 1;
    }
}
