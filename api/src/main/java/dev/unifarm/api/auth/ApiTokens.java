package dev.unifarm.api.auth;

import dev.unifarm.api.config.TokenAccess;
import dev.unifarm.api.config.TokenConfig;
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
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The bearer tokens {@code /api/v1} accepts: the configured {@code unifarm.api.token}, else one
 * generated at first start into {@code <data-dir>/api-token} (mode 0600) and reused afterwards, plus
 * the named tokens of {@code unifarm.api.tokens.*}, each read-write or read-only.
 */
@Startup
@ApplicationScoped
public class ApiTokens {

    private static final Logger LOG = Logger.getLogger(ApiTokens.class);
    static final String TOKEN_FILE = "api-token";
    /** The name the default token (configured or generated) goes by in logs and details. */
    static final String DEFAULT_NAME = "default";

    /** A token the farm accepts, kept only as its SHA-256. */
    private record Known(String name, TokenAccess access, byte[] digest) {
    }

    /** Who a presented token turned out to be. */
    public record Holder(String name, TokenAccess access) {
        public boolean readOnly() {
            return access == TokenAccess.READ_ONLY;
        }
    }

    private final List<Known> known;

    ApiTokens(UnifarmConfig config) {
        String main = config.api().token().orElseGet(() -> generatedToken(config.dataDir().toAbsolutePath()));
        List<Known> known = new ArrayList<>();
        known.add(new Known(DEFAULT_NAME, TokenAccess.READ_WRITE, sha256(main)));
        for (Map.Entry<String, TokenConfig> entry : config.api().tokens().entrySet()) {
            String value = entry.getValue().value().trim();
            if (value.length() < 16) {
                // A short token is guessable over the network; refuse to start rather than run weakly.
                throw new IllegalStateException("unifarm.api.tokens." + entry.getKey() + ".value is " + value.length()
                        + " characters; use at least 16 (e.g. openssl rand -base64 32)");
            }
            known.add(new Known(entry.getKey(), entry.getValue().access(), sha256(value)));
        }
        this.known = List.copyOf(known);
        LOG.infof("API tokens: %d (%s)", known.size(), known.stream().map(k -> k.name() + " " + k.access()).toList());
    }

    /**
     * The holder of {@code presented}, if it is one of the farm's tokens. Both sides are compared as
     * SHA-256 digests with {@link MessageDigest#isEqual} and every token is compared, so neither the
     * matching prefix nor the token's length nor which entry matched shows in the timing.
     */
    public Optional<Holder> holder(String presented) {
        if (presented == null) {
            return Optional.empty();
        }
        byte[] digest = sha256(presented);
        Known match = null;
        for (Known candidate : known) {
            if (MessageDigest.isEqual(candidate.digest(), digest) && match == null) {
                match = candidate;
            }
        }
        return match == null ? Optional.empty() : Optional.of(new Holder(match.name(), match.access()));
    }

    /** True when {@code presented} is any of the farm's tokens. */
    public boolean accepts(String presented) {
        return holder(presented).isPresent();
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
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
