package dev.unifarm.api.farm;

import dev.unifarm.api.gateway.GatewayServer;
import dev.unifarm.api.instances.InstanceRecovery;
import dev.unifarm.api.instances.InstanceRepository;
import dev.unifarm.api.testing.FarmClient;
import dev.unifarm.api.testing.TestFiles;
import dev.unifarm.imager.RealRegistry;
import dev.unifarm.scheduler.InstanceState;
import dev.unifarm.scheduler.InstanceStatus;
import dev.unifarm.scheduler.kubernetes.LauncherPodConfig;
import dev.unifarm.scheduler.kubernetes.LauncherPods;
import dev.unifarm.scheduler.kubernetes.LauncherSpec;
import dev.unifarm.scheduler.launcher.Launcher;
import dev.unifarm.scheduler.launcher.LauncherConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.MockWebServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

import static dev.unifarm.api.testing.FarmClient.api;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;



/**
 * The farm in Kubernetes mode ({@code unifarm.scheduler.mode=kubernetes}) against fabric8's mock API
 * server in CRUD mode (the one stand-in allowed) and Debian's real docker-registry: a start creates a
 * launcher Pod that pulls the revision's image by digest; a REAL {@link Launcher} made from that Pod's
 * env, playing the Pod's container on 127.0.0.1, boots hello under QEMU and the farm's
 * {@code /api/v1/instances/{id}} and {@code /console} come from it. Then re-attachment after a farm
 * restart and Pod deletion under {@code Never} and {@code Always}.
 */
@QuarkusTest
@TestProfile(KubernetesModeTest.InCluster.class)
class KubernetesModeTest {

    private static final String NS = "farm";
    private static final String LAUNCHER_IMAGE = "ghcr.io/unifarm/launcher:test";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration BOOT = Duration.ofMinutes(3);

    public static class InCluster implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("unifarm.data-dir", "./target/test-data-kubernetes",
                    "unifarm.scheduler.mode", "kubernetes",
                    "unifarm.scheduler.kubernetes.namespace", NS,
                    "unifarm.scheduler.kubernetes.launcher-image", LAUNCHER_IMAGE,
                    "unifarm.scheduler.kubernetes.tolerations", "unifarm.dev/kvm:NoSchedule",
                    "unifarm.scheduler.kubernetes.node-selector.\"unifarm.dev/kvm\"", "true",
                    "unifarm.instances.restart-backoff-initial", "PT0.1S",
                    "unifarm.instances.restart-backoff-cap", "PT0.5S");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(Cluster.class));
        }
    }

    /** The mock API server, a real registry, and the launcher's status port (launchers here all run on 127.0.0.1). */
    public static class Cluster implements QuarkusTestResourceLifecycleManager {
        static KubernetesMockServer server;
        static KubernetesClient client;
        static RealRegistry registry;
        static int statusPort;

        @Override
        public Map<String, String> start() {
            server = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(),
                    false);
            server.init();
            client = server.createClient();
            registry = RealRegistry.start(Path.of("target", "test-registry-" + UUID.randomUUID()).toAbsolutePath());
            statusPort = TestFiles.freePort();
            return Map.of("unifarm.scheduler.kubernetes.master-url", client.getMasterUrl().toString(),
                    "unifarm.scheduler.kubernetes.status-port", Integer.toString(statusPort),
                    "unifarm.registry.url", registry.url());
        }

        @Override
        public void stop() {
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

    @Inject
    InstanceRecovery recovery;

    @Inject
    GatewayServer gateway;

    @Inject
    InstanceRepository records;

    @Test
    void testStart_launcherPodIsMadeAndItsRealLauncherIsProxied() throws Exception {
        String app = FarmClient.uniqueName("k8s-hello");
        Response revision = FarmClient.readyRevision(app, "hello");
        String reference = revision.path("ociReference");

        String id = FarmClient.startInstance(app);
        Pod pod = awaitPod(id);

        assertThat(pod.getMetadata().getName()).isEqualTo("unifarm-" + id + "-0");
        assertThat(pod.getMetadata().getLabels()).containsEntry("app.kubernetes.io/name", "unifarm-launcher")
                .containsEntry("unifarm.dev/app", app).containsEntry("unifarm.dev/instance", id);
        assertThat(pod.getSpec().getNodeSelector()).containsExactly(Map.entry("unifarm.dev/kvm", "true"));
        assertThat(pod.getSpec().getTolerations()).singleElement()
                .satisfies(t -> assertThat(t.getKey() + " " + t.getOperator() + " " + t.getEffect())
                        .isEqualTo("unifarm.dev/kvm Exists NoSchedule"));
        Container container = pod.getSpec().getContainers().get(0);
        assertThat(container.getImage()).isEqualTo(LAUNCHER_IMAGE);
        Map<String, String> env = container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
        assertThat(reference).isEqualTo(Cluster.registry.hostPort() + "/unifarm/" + app + "@" + revision.path("ociDigest"));
        assertThat(env).containsEntry("UNIFARM_IMAGE", reference).containsEntry("UNIFARM_REGISTRY_INSECURE", "true")
                .containsEntry("UNIFARM_MEMORY_MIB", "512").containsEntry("UNIFARM_HTTP_PORT", Integer.toString(Cluster.statusPort));
        assertThat(container.getResources().getLimits()).containsEntry("memory", new Quantity("640Mi"))
                .containsEntry("devices.kubevirt.io/kvm", new Quantity("1"));
        assertThat(container.getResources().getRequests()).containsEntry("cpu", new Quantity("250m"));
        // Contained (issue 16): non-root, read-only root, no capabilities, RuntimeDefault, writes only to emptyDirs.
        assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSpec().getSecurityContext().getRunAsUser()).isEqualTo(107L);
        assertThat(pod.getSpec().getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(pod.getSpec().getVolumes()).allSatisfy(v -> assertThat(v.getEmptyDir()).as(v.getName()).isNotNull())
                .extracting(v -> v.getName()).containsExactly("data", "tmp");
        assertThat(api().get("/api/v1/instances/" + id).<String>path("state")).isEqualTo("Pending");

        // The Pod's container, for real: the launcher with the Pod's own env, on 127.0.0.1.
        Map<String, String> launcherEnv = new HashMap<>(env);
        launcherEnv.put(LauncherConfig.DATA_DIR, Path.of("target", "k8s-launcher-" + id).toAbsolutePath().toString());
        launcherEnv.put(LauncherConfig.HTTP_ADDRESS, "127.0.0.1");
        try (Launcher launcher = Launcher.start(LauncherConfig.from(launcherEnv))) {
            running(pod);

            String path = "/api/v1/instances/" + id;
            await().atMost(BOOT).pollInterval(Duration.ofMillis(500))
                    .until(() -> InstanceState.valueOf(api().get(path).path("state")).isTerminal());
            Response instance = api().get(path);
            assertThat(instance.<String>path("state")).as(instance.asString()).isEqualTo("Succeeded");
            assertThat(instance.<Integer>path("exitCode")).isZero();
            assertThat(instance.<String>path("accel")).isEqualTo(launcher.status().accel().name());
            assertThat(instance.<String>path("startedAt")).isEqualTo(launcher.status().startedAt().toString());
            assertThat(instance.<Integer>path("restarts")).isZero();
            assertThat(FarmClient.console(id)).contains("Hello from Unifarm!\n");
            String followed = api().queryParam("follow", true).get(path + "/console").then().statusCode(200).extract().asString();
            assertThat(followed).contains("Hello from Unifarm!\n");
        }

        // The launcher is gone (its Pod would have ended): the last recorded state, with the reason.
        Response unreachable = api().get("/api/v1/instances/" + id);
        assertThat(unreachable.<String>path("state")).as(unreachable.asString()).isEqualTo("Running");
        assertThat(unreachable.<String>path("reason")).isEqualTo("LauncherUnreachable");
        assertThat(FarmClient.console(id)).as("the farm's mirror of the console").contains("Hello from Unifarm!\n");

        ended(currentPod(id).orElseThrow(), "Succeeded", 0);
        Response done = FarmClient.awaitEnded(id);
        assertThat(done.<String>path("state")).as(done.asString()).isEqualTo("Succeeded");
        assertThat(done.<Integer>path("exitCode")).isZero();
        assertThat(FarmClient.console(id)).contains("Hello from Unifarm!\n");
    }

    @Test
    void testGateway_reachesTheAppInTheLauncherPodAtThePodsIp() throws Exception {
        String app = FarmClient.uniqueName("k8s-echo");
        api().multiPart("name", app).multiPart("bundle", FarmClient.sample("echo-http").toFile())
                .multiPart("spec", "{\"port\": 8080, \"memoryMiB\": 384, \"scaling\": {\"maxInstances\": 1, \"idleTimeout\": \"PT10M\"}}")
                .post("/api/v1/apps").then().statusCode(201);
        assertThat(FarmClient.awaitBuilt(app, 1).<String>path("state")).isEqualTo("Ready");

        // A cold request: the gateway starts an instance, i.e. a launcher Pod, and holds the request until it is ready.
        HttpClient http = HttpClient.newHttpClient();
        CompletableFuture<HttpResponse<String>> cold = http.sendAsync(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/" + app + "/hello?via=gateway"))
                        .timeout(BOOT).build(), HttpResponse.BodyHandlers.ofString());
        await().atMost(WAIT).until(() -> !api().get("/api/v1/instances?app=" + app).<List<String>>path("items.id").isEmpty());
        String id = api().get("/api/v1/instances?app=" + app).<List<String>>path("items.id").get(0);
        Pod pod = awaitPod(id);
        Container container = pod.getSpec().getContainers().get(0);
        Map<String, String> env = container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
        assertThat(env).containsEntry("UNIFARM_APP_PORT", "8080").containsEntry("UNIFARM_FORWARD_HOST", "0.0.0.0");

        // The Pod's container on this machine: loopback for the status server and the app's forward (the Pod's IP here).
        Map<String, String> launcherEnv = new HashMap<>(env);
        launcherEnv.put(LauncherConfig.DATA_DIR, Path.of("target", "k8s-launcher-" + id).toAbsolutePath().toString());
        launcherEnv.put(LauncherConfig.HTTP_ADDRESS, "127.0.0.1");
        launcherEnv.put(LauncherConfig.FORWARD_HOST, "127.0.0.1");
        try (Launcher launcher = Launcher.start(LauncherConfig.from(launcherEnv))) {
            running(pod);

            HttpResponse<String> answer = cold.get(BOOT.toSeconds(), TimeUnit.SECONDS);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo("echo-http: GET /hello?via=gateway\n");

            String launcherEndpoint = launcher.status().endpoint();
            assertThat(launcherEndpoint).as("the launcher forwards the app's port").isNotNull();
            String port = launcherEndpoint.substring(launcherEndpoint.lastIndexOf(':') + 1);
            Response instance = api().get("/api/v1/instances/" + id);
            assertThat(instance.<String>path("state")).as(instance.asString()).isEqualTo("Running");
            assertThat(instance.<String>path("endpoint")).as("<podIP>:<the launcher's forwarded port>")
                    .isEqualTo("127.0.0.1:" + port);
            HttpResponse<String> direct = http.send(HttpRequest.newBuilder(
                    URI.create("http://" + instance.<String>path("endpoint") + "/direct")).timeout(WAIT).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(direct.body()).isEqualTo("echo-http: GET /direct\n");
        }
        ended(currentPod(id).orElseThrow(), "Succeeded", 0);
        assertThat(FarmClient.awaitEnded(id).<String>path("state")).isEqualTo("Succeeded");
    }

    @Test
    void testRecovery_reattachesToItsPodFailsPodGoneAndDeletesUnknownPods() {
        LauncherPodConfig pods = LauncherPodConfig.defaults(NS, LAUNCHER_IMAGE);
        String image = Cluster.registry.hostPort() + "/unifarm/gone@sha256:" + "ab".repeat(32);
        String kept = "i-kept" + suffix();
        String gone = "i-gone" + suffix();
        String unknown = "i-unknown" + suffix();
        Instant earlier = Instant.now().minusSeconds(60);
        record(kept, InstanceState.Running, earlier);
        record(gone, InstanceState.Running, earlier);
        running(Cluster.client.pods().inNamespace(NS).resource(LauncherPods.pod(pods, new LauncherSpec(kept, "gone", image, 256, null), 3))
                .create());
        Cluster.client.pods().inNamespace(NS).resource(LauncherPods.pod(pods, new LauncherSpec(unknown, "gone", image, 256, null), 0))
                .create();

        recovery.recover();

        await().atMost(WAIT).until(() -> currentPod(unknown).isEmpty());
        Response failed = api().get("/api/v1/instances/" + gone);
        assertThat(failed.<String>path("state")).isEqualTo("Failed");
        assertThat(failed.<String>path("reason")).isEqualTo("PodGone");
        assertThat(failed.<String>path("message")).contains("no launcher Pod labelled unifarm.dev/instance=" + gone);
        Response attached = api().get("/api/v1/instances/" + kept);
        assertThat(attached.<String>path("state")).as(attached.asString()).isEqualTo("Running");
        assertThat(currentPod(kept)).map(p -> p.getMetadata().getName()).contains("unifarm-" + kept + "-3");

        // Supervised again: the Pod's deletion (policy Never: the app is gone) ends the instance.
        Cluster.client.pods().inNamespace(NS).withName("unifarm-" + kept + "-3").delete();
        Response deleted = FarmClient.awaitEnded(kept);
        assertThat(deleted.<String>path("state")).as(deleted.asString()).isEqualTo("Failed");
        assertThat(deleted.<String>path("reason")).isEqualTo("PodDeleted");
        assertThat(currentPod(kept)).as("no new Pod under Never").isEmpty();
    }

    @Test
    void testPodDeleted_neverEndsTheInstanceAlwaysMakesANewPod() {
        String never = FarmClient.uniqueName("k8s-never");
        String always = FarmClient.uniqueName("k8s-always");
        FarmClient.upload(never, FarmClient.sample("hello")).then().statusCode(201);
        api().multiPart("name", always).multiPart("bundle", FarmClient.sample("hello").toFile())
                .multiPart("spec", "{\"restartPolicy\": \"Always\"}").post("/api/v1/apps").then().statusCode(201);
        assertThat(FarmClient.awaitBuilt(never, 1).<String>path("state")).isEqualTo("Ready");
        assertThat(FarmClient.awaitBuilt(always, 1).<String>path("state")).isEqualTo("Ready");

        String once = FarmClient.startInstance(never);
        String again = FarmClient.startInstance(always);
        Pod first = awaitPod(again);
        Cluster.client.pods().inNamespace(NS).withName(awaitPod(once).getMetadata().getName()).delete();
        Cluster.client.pods().inNamespace(NS).withName(first.getMetadata().getName()).delete();

        Response ended = FarmClient.awaitEnded(once);
        assertThat(ended.<String>path("state")).as(ended.asString()).isEqualTo("Failed");
        assertThat(ended.<String>path("reason")).isEqualTo("PodDeleted");
        await().atMost(WAIT).until(() -> currentPod(again).map(p -> p.getMetadata().getName())
                .filter(("unifarm-" + again + "-1")::equals).isPresent());
        Response restarted = api().get("/api/v1/instances/" + again);
        assertThat(restarted.<Integer>path("restarts")).as(restarted.asString()).isEqualTo(1);
        assertThat(currentPod(once)).as("no new Pod under Never").isEmpty();

        Response stopped = api().delete("/api/v1/instances/" + again).then().statusCode(200).extract().response();
        assertThat(stopped.<String>path("state")).isEqualTo("Stopped");
        await().atMost(WAIT).until(() -> currentPod(again).isEmpty());
    }

    private void record(String id, InstanceState state, Instant at) {
        records.insert(id, "gone", 1, "node-a", at);
        records.update(new InstanceStatus(id, state, null, null, null, null, "node-a", at, at, at, null, null, 0));
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static Pod awaitPod(String id) {
        await().atMost(WAIT).until(() -> currentPod(id).isPresent());
        return currentPod(id).orElseThrow();
    }

    private static Optional<Pod> currentPod(String id) {
        return Cluster.client.pods().inNamespace(NS).withLabel("unifarm.dev/instance", id).list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null).findFirst();
    }

    /** What the kubelet would write once the launcher container runs and {@code /ready} answers. */
    private static void running(Pod pod) {
        pod.setStatus(new PodStatusBuilder().withPhase("Running").withPodIP("127.0.0.1")
                .withConditions(new PodConditionBuilder().withType("Ready").withStatus("True").build())
                .withContainerStatuses(new ContainerStatusBuilder().withName("launcher").withReady(true)
                        .withNewState().withNewRunning().endRunning().endState().build())
                .build());
        Cluster.client.pods().inNamespace(NS).resource(pod).updateStatus();
    }

    private static void ended(Pod pod, String phase, int exitCode) {
        pod.setStatus(new PodStatusBuilder().withPhase(phase).withPodIP("127.0.0.1")
                .withContainerStatuses(new ContainerStatusBuilder().withName("launcher")
                        .withNewState().withNewTerminated().withExitCode(exitCode).withReason("Completed").endTerminated()
                        .endState().build())
                .build());
        Cluster.client.pods().inNamespace(NS).resource(pod).updateStatus();
    }
}
