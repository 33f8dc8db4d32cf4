package dev.unifarm.imager.rootfs;

import java.nio.file.Path;

/** One node of the image's root filesystem; paths are absolute inside the image, e.g. {@code /app/x.dll}. */
public sealed interface RootfsEntry {

    String path();

    int mode();

    /** A directory. */
    record Directory(String path, int mode) implements RootfsEntry {
    }

    /** A file copied from the host (runtime, libraries, app). */
    record CopiedFile(String path, int mode, Path source) implements RootfsEntry {
    }

    /** A file the imager writes itself ({@code /proc} patches, configs). */
    record GeneratedFile(String path, int mode, byte[] content) implements RootfsEntry {
    }

    /** A symbolic link. */
    record Symlink(String path, String target) implements RootfsEntry {
        @Override
        public int mode() {
            return 0777;
        }
    }

    /** A character device node, e.g. {@code /dev/zero} (1, 5). */
    record CharDevice(String path, int mode, int major, int minor) implements RootfsEntry {
    }
}
