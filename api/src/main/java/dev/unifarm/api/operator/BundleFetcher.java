package dev.unifarm.api.operator;

import dev.unifarm.api.config.OperatorConfig;
import dev.unifarm.api.config.UnifarmConfig;
import dev.unifarm.api.farm.FarmDirs;
import dev.unifarm.imager.model.Digests;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Fetches a {@link DotnetAppSource}'s bundle into a work dir of its own (exactly one of {@code oci} and {@code url}). */
@ApplicationScoped
class BundleFetcher {

    private final FarmDirs dirs;
    private final long maxBytes;
    private final UrlBundleSource urls;

    BundleFetcher(FarmDirs dirs, UnifarmConfig config) {
        this.dirs = dirs;
        this.maxBytes = config.builds().maxUploadBytes();
        OperatorConfig operator = config.operator();
        HttpClient.Builder http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(10));
        operator.urlTrustStore().ifPresent(store -> http.sslContext(sslContext(store, operator.urlTrustStorePassword())));
        this.urls = new UrlBundleSource(http.build(), operator.fetchTimeout());
    }

    /** Checks the source's form without fetching anything. */
    static void check(DotnetAppSource source) {
        boolean oci = source != null && source.getOci() != null && !source.getOci().isBlank();
        boolean url = source != null && source.getUrl() != null && !source.getUrl().isBlank();
        if (oci == url) {
            throw new SourceException(SourceException.INVALID, "spec.source needs exactly one of oci (an OCI artifact reference "
                    + "of the bundle) and url (an https:// URL, with sha256)");
        }
        if (url) {
            UrlBundleSource.expectedDigest(source.getUrl(), source.getSha256());
        } else if (source.getSha256() != null) {
            throw new SourceException(SourceException.INVALID, "spec.source.sha256 goes with url only: an OCI source is checked "
                    + "by its digest (write …@sha256:<digest> to pin it)");
        }
    }

    FetchedBundle fetch(DotnetAppSource source) {
        check(source);
        Path dir = dirs.newWorkDir("fetch-");
        Path file = dir.resolve("bundle");
        try {
            if (source.getOci() != null && !source.getOci().isBlank()) {
                OciBundleSource.fetch(source.getOci().strip(), file, maxBytes);
            } else {
                urls.fetch(source.getUrl().strip(), source.getSha256(), file, maxBytes);
            }
            return new FetchedBundle(dir, file, Digests.of(file));
        } catch (RuntimeException e) {
            FarmDirs.deleteTree(dir);
            if (e instanceof SourceException) {
                throw e;
            }
            throw new SourceException(SourceException.FETCH_FAILED, "fetching the bundle failed: " + e.getMessage(), e);
        }
    }

    /** Trust for {@code url} sources from a PKCS12 store (e.g. a private CA) instead of the JDK's. */
    private static SSLContext sslContext(Path store, Optional<String> password) {
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(in, password.map(String::toCharArray).orElse(null));
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException("unifarm.operator.url-trust-store " + store + " cannot be read", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("unifarm.operator.url-trust-store " + store + " is not a usable PKCS12 trust store", e);
        }
    }
}
