package dev.unifarm.api.operator;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.unifarm.imager.RealRegistry;
import dev.unifarm.imager.model.Digests;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import land.oras.ContainerRef;
import land.oras.Manifest;
import land.oras.Registry;

/**
 * What the operator test runs against: fabric8's mock API server in CRUD mode (the one stand-in; the
 * committed CRD is created in it first), Debian's docker-registry holding the samples' bundles as OCI
 * artifacts ({@code bundles/<sample>:v1}, as {@code oras push} makes them), and an HTTPS server on
 * loopback serving the sample zips with a self-signed certificate made by {@code keytool}.
 */
public class OperatorCluster implements QuarkusTestResourceLifecycleManager {

    static final String PASSWORD = "unifarm-test";
    private static final String MASTER = "kubernetes.master";
    private static final String NAMESPACE = "kubernetes.namespace";
    static KubernetesMockServer server;
    static KubernetesClient client;
    static RealRegistry registry;
    static HttpsServer https;

    @Override
    public Map<String, String> start() {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        server = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(), new MockWebServer(), responses,
                new KubernetesMixedDispatcher(responses), false);
        server.init();
        // JOSDK asks whether it may use Leases before it runs for the lease; the CRUD store cannot answer an
        // access review, so the mock answers it as an API server granting the chart's RBAC would.
        server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
                .andReturn(201, new SelfSubjectRulesReviewBuilder().withNewMetadata().endMetadata().withNewStatus()
                        .addNewResourceRule().withApiGroups("coordination.k8s.io").withResources("leases")
                        .withVerbs("get", "list", "watch", "create", "update", "patch").endResourceRule()
                        .withIncomplete(false).endStatus().build())
                .always();
        client = server.createClient();
        try (InputStream crd = Files.newInputStream(CrdUpToDateTest.COMMITTED)) {
            client.apiextensions().v1().customResourceDefinitions().load(crd).create();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path dir = Path.of("target", "test-operator-" + UUID.randomUUID()).toAbsolutePath();
        registry = RealRegistry.start(dir.resolve("registry"));
        for (String sample : new String[] {"hello", "echo-http"}) {
            pushBundle(sample);
        }
        Path keystore = keystore(dir);
        https = httpsServer(keystore);
        // quarkus.kubernetes-client.* is fixed at build time; the client's own auto-configuration reads these.
        System.setProperty(MASTER, client.getMasterUrl().toString());
        System.setProperty(NAMESPACE, OperatorTest.FARM_NS);
        Map<String, String> config = new HashMap<>();
        config.put("unifarm.operator.url-trust-store", keystore.toString());
        config.put("unifarm.operator.url-trust-store-password", PASSWORD);
        return config;
    }

    /** {@code http://127.0.0.1:<port>/bundles/<sample>:v1}: the bundle zip as the artifact's single layer. */
    static String ociReference(String sample) {
        return registry.url() + "/bundles/" + sample + ":v1";
    }

    static String httpsUrl(String sample) {
        return "https://127.0.0.1:" + https.getAddress().getPort() + "/" + sample + ".zip";
    }

    /**
     * The manifest {@code oras push host/bundles/<sample>:v1 <sample>.zip} writes (empty config, one layer),
     * written out here: ORAS' own {@code pushArtifact} serializes with Jackson 3 annotations newer than
     * the Quarkus BOM's jackson-annotations.
     */
    private static void pushBundle(String sample) {
        Registry oras = Registry.builder().insecure(registry.hostPort()).build();
        ContainerRef ref = ContainerRef.parse(registry.hostPort() + "/bundles/" + sample + ":v1");
        Path zip = OperatorTest.sample(sample);
        try {
            String digest = Digests.of(zip);
            oras.pushBlob(ref.withDigest(digest), zip, Map.of());
            byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
            oras.pushBlob(ref.withDigest(Digests.of(config)), config);
            String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                    + "\"artifactType\":\"application/vnd.unifarm.bundle.v1\","
                    + "\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\"" + Digests.of(config)
                    + "\",\"size\":2},"
                    + "\"layers\":[{\"mediaType\":\"application/zip\",\"digest\":\"" + digest + "\",\"size\":" + Files.size(zip)
                    + ",\"annotations\":{\"org.opencontainers.image.title\":\"" + sample + ".zip\"}}]}";
            oras.pushManifest(ref, Manifest.fromJson(manifest));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path keystore(Path dir) {
        Path keystore = dir.resolve("https.p12");
        try {
            Files.createDirectories(dir);
            Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-alias", "loopback", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                    "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12",
                    "-keystore", keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
                    .redirectErrorStream(true).start();
            String output = new String(keytool.getInputStream().readAllBytes());
            if (keytool.waitFor() != 0) {
                throw new IllegalStateException("keytool failed: " + output);
            }
            return keystore;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static HttpsServer httpsServer(Path keystore) {
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(in, PASSWORD.toCharArray());
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(keys, PASSWORD.toCharArray());
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(factory.getKeyManagers(), null, null);
            HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(tls));
            server.createContext("/", exchange -> {
                String name = exchange.getRequestURI().getPath().replaceAll("^/|\\.zip$", "");
                Path zip = OperatorTest.sample(name);
                exchange.sendResponseHeaders(200, Files.size(zip));
                try (OutputStream out = exchange.getResponseBody()) {
                    Files.copy(zip, out);
                }
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        System.clearProperty(MASTER);
        System.clearProperty(NAMESPACE);
        if (https != null) {
            https.stop(0);
        }
        if (registry != null) {
            registry.close();
        }
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.destroy();
        }
    }
}
