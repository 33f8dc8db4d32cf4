package dev.unifarm.imager;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

/**
 * Runtime archives in the layout of Microsoft's {@code dotnet-runtime-<v>-linux-x64.tar.gz}, made from
 * the provisioned CoreCLR 2.0.0 and re-labelled as another version ({@code host/fxr/2.0.0} and
 * {@code shared/Microsoft.NETCore.App/2.0.0} renamed; CoreCLR does not read its folder names).
 */
public final class RuntimeArchives {

    /** One tar entry: a directory (content null, not a link), a file, or a symbolic link. */
    public record Entry(String name, byte[] content, int mode, String linkTarget) {
        public static Entry directory(String name) {
            return new Entry(name, null, 0755, null);
        }

        public static Entry file(String name, byte[] content, int mode) {
            return new Entry(name, content, mode, null);
        }

        public static Entry symlink(String name, String target) {
            return new Entry(name, null, 0777, target);
        }
    }

    private RuntimeArchives() {
    }

    /**
     * The provisioned runtime's entries re-labelled as {@code version}, each name prefixed by
     * {@code prefix} (e.g. {@code ./}); with {@code headBytes > 0} every file is cut to its first bytes,
     * which keeps names, modes and ELF headers but makes small archives for checks that read no more.
     */
    public static List<Entry> relabelled(String version, String prefix, int headBytes) throws IOException {
        Path root = RealParts.runtime().root();
        UnaryOperator<String> relabel = path -> path
                .replaceFirst("^host/fxr/" + RealParts.RUNTIME_VERSION, "host/fxr/" + version)
                .replaceFirst("^shared/" + RealParts.FRAMEWORK + "/" + RealParts.RUNTIME_VERSION,
                        "shared/" + RealParts.FRAMEWORK + "/" + version);
        List<Entry> entries = new ArrayList<>();
        entries.add(Entry.directory(prefix.isEmpty() ? "./" : prefix));
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted().toList()) {
                if (path.equals(root)) {
                    continue;
                }
                String name = prefix + relabel.apply(root.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    entries.add(Entry.directory(name + "/"));
                } else {
                    byte[] content = headBytes > 0 ? head(path, headBytes) : Files.readAllBytes(path);
                    entries.add(Entry.file(name, content, Files.isExecutable(path) ? 0755 : 0644));
                }
            }
        }
        return entries;
    }

    /** Writes {@code entries} as a gzip-compressed tar (fast compression: these are test archives). */
    public static Path write(Path archive, List<Entry> entries) throws IOException {
        GzipParameters fast = new GzipParameters();
        fast.setCompressionLevel(1);
        try (OutputStream file = Files.newOutputStream(archive);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(file, fast))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Entry entry : entries) {
                TarArchiveEntry header;
                if (entry.linkTarget() != null) {
                    header = new TarArchiveEntry(entry.name(), TarArchiveEntry.LF_SYMLINK, true);
                    header.setLinkName(entry.linkTarget());
                } else {
                    header = new TarArchiveEntry(entry.name(), true); // keep "/x": hostile archives have them
                    if (entry.content() != null) {
                        header.setSize(entry.content().length);
                    }
                }
                header.setMode((header.isDirectory() ? 040000 : header.isSymbolicLink() ? 0120000 : 0100000) | entry.mode());
                tar.putArchiveEntry(header);
                if (entry.content() != null) {
                    tar.write(entry.content());
                }
                tar.closeArchiveEntry();
            }
        }
        return archive;
    }

    private static byte[] head(Path file, int bytes) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(bytes);
        }
    }
}
