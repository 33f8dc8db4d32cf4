package dev.unifarm.imager.initrd;

import dev.unifarm.imager.rootfs.RootfsEntry;
import dev.unifarm.imager.rootfs.RootfsTree;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Writes a {@link RootfsTree} as a plain directory, the root a {@code 9pfs} profile shares with the
 * guest (QEMU {@code security_model=none} passes host files through as they are). Same content,
 * modes and mtime as the initrd, with two things a non-root JVM cannot write: device nodes (left
 * out; the kernel's own devfs is what provides {@code /dev} on a 9p root) and the sticky bit.
 */
public final class TreeWriter {

    /** What the directory could not hold, for the build log. */
    public record Written(List<String> skippedDevices) {
    }

    private TreeWriter() {
    }

    public static Written write(RootfsTree tree, Path root) {
        List<String> skipped = new ArrayList<>();
        List<RootfsEntry.Directory> directories = new ArrayList<>();
        try {
            Files.createDirectories(root);
            for (RootfsEntry entry : tree.entries()) {
                Path target = root.resolve(entry.path().substring(1));
                if (entry instanceof RootfsEntry.Directory d) {
                    Files.createDirectories(target);
                    directories.add(d);
                } else if (entry instanceof RootfsEntry.CopiedFile f) {
                    Files.copy(f.source(), target, StandardCopyOption.REPLACE_EXISTING);
                    finish(target, f.mode());
                } else if (entry instanceof RootfsEntry.GeneratedFile g) {
                    Files.write(target, g.content());
                    finish(target, g.mode());
                } else if (entry instanceof RootfsEntry.Symlink s) {
                    Files.createSymbolicLink(target, Path.of(s.target()));
                } else if (entry instanceof RootfsEntry.CharDevice c) {
                    skipped.add(c.path() + " (" + c.major() + "," + c.minor() + ")");
                }
            }
            // Modes and mtimes of directories last (children first), so writing into them was allowed.
            for (int i = directories.size() - 1; i >= 0; i--) {
                RootfsEntry.Directory d = directories.get(i);
                finish(root.resolve(d.path().substring(1)), d.mode());
            }
            finish(root, 0755);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Written(List.copyOf(skipped));
    }

    private static void finish(Path path, int mode) throws IOException {
        Files.setPosixFilePermissions(path, permissions(mode));
        Files.setLastModifiedTime(path, FileTime.fromMillis(CpioWriter.FIXED_MTIME_SECONDS * 1000));
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ … OTHERS_EXECUTE, high bit first
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << (bits.length - 1 - i))) != 0) {
                set.add(bits[i]);
            }
        }
        return set;
    }
}
