package dev.unifarm.api.auth;

import dev.unifarm.api.config.UnifarmConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import org.jboss.logging.Logger;

/**
 * The bearer token every {@code /api/v1} call needs: the configured one, else one generated at first
 * start into {@code <data-dir>/api-token} (mode 0600) and reused afterwards.
 */
@Startup
@ApplicationScoped
public class ApiTokens {

    private static final Logger LOG = Logger.getLogger(ApiTokens.class);
    static final String TOKEN_FILE = "api-token";

    private final byte[] token;

    ApiTokens(UnifarmConfig config) {
        String value = config.api().token().orElseGet(() -> generatedToken(config.dataDir().toAbsolutePath()));
        this.token = value.getBytes(StandardCharsets.UTF_8);
    }

    /** Constant-time comparison, so response timing does not leak the token. */
    public boolean accepts(String presented) {
        return presented != null && MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8));
    }

    private static String generatedToken(Path dataDir) {
        Path file = dataDir.resolve(TOKEN_FILE);
        try {
            if (Files.isRegularFile(file)) {
                LOG.infof("API token: %s", file);
                return Files.readString(file).trim();
            }
            Files.createDirectories(dataDir);
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String value = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            Path temp = Files.createTempFile(dataDir, ".api-token", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(temp, value + "\n");
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            LOG.infof("API token generated: %s (send it as 'Authorization: Bearer <token>')", file);
            return value;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the API token file " + file, e);
        }
    }
}
