package dev.unifarm.imager.bundle;

import dev.unifarm.imager.RealParts;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * Writes the good and the hostile bundles the reader's tests and api's upload tests feed in: the hello
 * sample's files plus whatever entry a test adds (links, devices, absolute names, ELF headers).
 * Shipped in the test-jar.
 */
public final class TestArchives {

    public static final List<String> HELLO_FILES = List.of("hello.deps.json", "hello.dll", "hello.runtimeconfig.json");

    private TestArchives() {
    }

    /** Writes entries into an open tar. */
    public interface TarWriter {
        void write(TarArchiveOutputStream tar) throws IOException;
    }

    /** Writes entries into an open zip. */
    public interface ZipWriter {
        void write(ZipArchiveOutputStream zip) throws IOException;
    }

    /** The hello sample's files, by name, in a map the test may change. */
    public static Map<String, byte[]> helloFiles() throws IOException {
        return helloFiles(RealParts.sampleDir("hello"));
    }

    /** The same from {@code dir}, the hello sample's publish folder where a module finds it elsewhere. */
    public static Map<String, byte[]> helloFiles(Path dir) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String name : HELLO_FILES) {
            files.put(name, Files.readAllBytes(dir.resolve(name)));
        }
        return files;
    }

    /** Writes a zip of {@code entries} in order to {@code archive}; a null content makes a directory entry. */
    public static Path zip(Path archive, Map<String, byte[]> entries) throws IOException {
        return zip(archive, zip -> putZipFiles(zip, entries));
    }

    public static Path zip(Path archive, ZipWriter writer) throws IOException {
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(archive)) {
            writer.write(zip);
        }
        return archive;
    }

    /** Writes a .tar.gz to {@code archive}; long names are written as POSIX (pax) headers. */
    public static Path tarGz(Path archive, TarWriter writer) throws IOException {
        try (OutputStream file = Files.newOutputStream(archive);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(file))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            writer.write(tar);
        }
        return archive;
    }

    /** {@code entry} with {@code content}; a null content writes no data (a directory or a link). */
    public static void putZipEntry(ZipArchiveOutputStream zip, ZipArchiveEntry entry, byte[] content) throws IOException {
        zip.putArchiveEntry(entry);
        if (content != null) {
            zip.write(content);
        }
        zip.closeArchiveEntry();
    }

    public static void putZipFile(ZipArchiveOutputStream zip, String name, byte[] content) throws IOException {
        putZipEntry(zip, new ZipArchiveEntry(name), content);
    }

    /** Each of {@code files} (name to content) a zip entry, in order. */
    public static void putZipFiles(ZipArchiveOutputStream zip, Map<String, byte[]> files) throws IOException {
        for (var file : files.entrySet()) {
            putZipEntry(zip, new ZipArchiveEntry(file.getKey()), file.getValue());
        }
    }

    /** Each of {@code files} (name to content) a tar entry, in order. */
    public static void putTarFiles(TarArchiveOutputStream tar, Map<String, byte[]> files) throws IOException {
        for (var file : files.entrySet()) {
            putTarFile(tar, file.getKey(), file.getValue());
        }
    }

    public static void putTarFile(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(content.length);
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
    }

    /** A file entry whose name is kept as given (a leading {@code /} too), as a hostile archive writes it. */
    public static void putTarFileVerbatim(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name, true);
        entry.setSize(content.length);
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
    }

    /** A symbolic ({@code LF_SYMLINK}) or hard ({@code LF_LINK}) link {@code name} to {@code target}. */
    public static void putTarLink(TarArchiveOutputStream tar, byte type, String name, String target) throws IOException {
        TarArchiveEntry link = new TarArchiveEntry(name, type);
        link.setLinkName(target);
        tar.putArchiveEntry(link);
        tar.closeArchiveEntry();
    }

    /** A device or FIFO entry ({@code LF_CHR}, {@code LF_BLK}, {@code LF_FIFO}) with the given device numbers. */
    public static void putTarSpecial(TarArchiveOutputStream tar, byte type, String name, int major, int minor)
            throws IOException {
        TarArchiveEntry special = new TarArchiveEntry(name, type);
        special.setDevMajor(major);
        special.setDevMinor(minor);
        tar.putArchiveEntry(special);
        tar.closeArchiveEntry();
    }

    /**
     * A minimal but valid ELF header of a shared library (ET_DYN) for {@code machine}: what the
     * architecture check reads (class, byte order, e_machine), as {@code readelf -h} shows it.
     */
    public static byte[] elfHeader(boolean elf64, int machine) {
        ByteBuffer elf = ByteBuffer.allocate(elf64 ? 64 : 52).order(ByteOrder.LITTLE_ENDIAN);
        elf.put(new byte[] {0x7f, 'E', 'L', 'F', (byte) (elf64 ? 2 : 1), 1, 1, 0});
        elf.position(16);
        elf.putShort((short) 3).putShort((short) machine).putInt(1);
        if (elf64) {
            elf.putLong(0).putLong(0).putLong(0).putInt(0);
            elf.putShort((short) 64).putShort((short) 56).putShort((short) 0).putShort((short) 64);
        } else {
            elf.putInt(0).putInt(0).putInt(0).putInt(0);
            elf.putShort((short) 52).putShort((short) 32).putShort((short) 0).putShort((short) 40);
        }
        elf.putShort((short) 0).putShort((short) 0);
        return elf.array();
    }

    public static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
