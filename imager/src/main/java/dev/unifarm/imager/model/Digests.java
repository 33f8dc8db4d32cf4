package dev.unifarm.imager.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** sha256 helpers; digests are written {@code sha256:<hex>} as in OCI. */
public final class Digests {

    public static final String PREFIX = "sha256:";

    private Digests() {
    }

    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    public static String of(byte[] bytes) {
        return PREFIX + HexFormat.of().formatHex(newSha256().digest(bytes));
    }

    public static String of(Path file) {
        MessageDigest digest = newSha256();
        try (InputStream in = Files.newInputStream(file);
                OutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), digest)) {
            in.transferTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return format(digest);
    }

    public static String format(MessageDigest digest) {
        return PREFIX + HexFormat.of().formatHex(digest.digest());
    }

    /** The hex part of {@code sha256:<hex>}, validated so it can name a file safely. */
    public static String hex(String digest) {
        if (!digest.matches("sha256:[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not a sha256 digest: " + digest);
        }
        return digest.substring(PREFIX.length());
    }
}
