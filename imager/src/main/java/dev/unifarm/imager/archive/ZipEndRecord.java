package dev.unifarm.imager.archive;

import dev.unifarm.imager.model.ErrorKinds;
import dev.unifarm.imager.model.ImagerException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A zip's end-of-central-directory record (zip64 included): how many entries the archive says it
 * has and how big its central directory is. Read before the central directory itself, so an archive
 * claiming millions of entries is refused without loading them, and a truncated zip is told apart.
 */
record ZipEndRecord(long entries, long centralDirectorySize) {

    private static final int EOCD_SIGNATURE = 0x06054b50;
    private static final int ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
    private static final int ZIP64_EOCD_SIGNATURE = 0x06064b50;
    private static final int EOCD_SIZE = 22;
    private static final int MAX_COMMENT = 0xffff;

    static ZipEndRecord read(Path archive) throws IOException {
        try (FileChannel channel = FileChannel.open(archive, StandardOpenOption.READ)) {
            long size = channel.size();
            int tail = (int) Math.min(size, EOCD_SIZE + MAX_COMMENT);
            ByteBuffer buffer = read(channel, size - tail, tail);
            for (int at = tail - EOCD_SIZE; at >= 0; at--) {
                if (buffer.getInt(at) == EOCD_SIGNATURE && at + EOCD_SIZE + (buffer.getShort(at + 20) & 0xffff) <= tail) {
                    return fromEocd(channel, buffer, at, size - tail + at, size);
                }
            }
        }
        throw new ImagerException(ErrorKinds.CORRUPT, "the bundle is a zip without its central directory, "
                + "so it is truncated or damaged: upload the complete .zip");
    }

    private static ZipEndRecord fromEocd(FileChannel channel, ByteBuffer buffer, int at, long position, long fileSize)
            throws IOException {
        long entries = buffer.getShort(at + 10) & 0xffff;
        long directorySize = buffer.getInt(at + 12) & 0xffffffffL;
        if ((entries == 0xffff || directorySize == 0xffffffffL) && position >= 20) {
            ByteBuffer locator = read(channel, position - 20, 20);
            if (locator.getInt(0) == ZIP64_LOCATOR_SIGNATURE) {
                long zip64At = locator.getLong(8);
                if (zip64At < 0 || zip64At + 56 > fileSize) {
                    throw corrupt();
                }
                ByteBuffer zip64 = read(channel, zip64At, 56);
                if (zip64.getInt(0) != ZIP64_EOCD_SIGNATURE) {
                    throw corrupt();
                }
                entries = zip64.getLong(32);
                directorySize = zip64.getLong(40);
            }
        }
        if (entries < 0 || directorySize < 0 || directorySize > fileSize) {
            throw corrupt();
        }
        return new ZipEndRecord(entries, directorySize);
    }

    private static ByteBuffer read(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw corrupt();
            }
        }
        return buffer.flip();
    }

    private static ImagerException corrupt() {
        return new ImagerException(ErrorKinds.CORRUPT, "the bundle's zip end record is damaged: upload the complete .zip");
    }
}
