package dev.unifarm.api.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unifarm.api.apps.AppService;
import dev.unifarm.api.apps.AppSpec;
import dev.unifarm.api.db.Jdbc;
import dev.unifarm.api.instances.Instance;
import dev.unifarm.api.instances.InstanceService;
import dev.unifarm.api.problem.ProblemException;
import dev.unifarm.imager.model.Digests;
import dev.unifarm.scheduler.InstanceState;
import dev.unifarm.scheduler.coverage.NeedsConsole;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The DotnetApp operator on fabric8's mock API server in CRUD mode, with real builds and real QEMU
 * boots behind it (local scheduler): create → {@code ImageReady} then {@code Ready} with a warm
 * instance that answers through the gateway; spec change → new revision, observedGeneration follows,
 * the old revision's instance replaced; delete → app and instances gone, finalizer removed. Bad
 * sources end in a false condition whose reason and message say what to fix. A second operator
 * does not reconcile while the first holds the Lease.
 */
@QuarkusTest
@TestProfile(OperatorTest.WithOperator.class)
class OperatorTest {

    static final String FARM_NS = "unifarm-system";
    static final String APPS_NS = "apps";
    static final String LEASE = "unifarm-operator";
    static final String IDENTITY = "replica-1";
    private static final Duration BUILD = Duration.ofMinutes(3);
    private static final Duration BOOT = Duration.ofMinutes(3);
    private static final Duration QUICK = Duration.ofSeconds(60);

    public static class WithOperator implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("unifarm.data-dir", "./target/test-data-operator",
                    "unifarm.operator.enabled", "true",
                    "unifarm.operator.namespaces", APPS_NS,
                    "unifarm.operator.identity", IDENTITY,
                    "unifarm.operator.resync", "PT1S");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(OperatorCluster.class));
        }
    }

    @Inject
    AppService apps;

    @Inject
    InstanceService instances;

    @Inject
    OperatorRunner runner;

    @Inject
    Jdbc jdbc;

    @Inject
    ObjectMapper json;

    /** A needs sweep's console in {@code NeedsConsole}'s protocol, hand-made: rseq stubbable, the others required. */
    private static final List<String> HELLO_SWEEP = List.of(
            "unifarm-needs-begin mknodat,mmap,openat,rseq",
            "unifarm-needs-trial 0 baseline - pass 0 900 -",
            "unifarm-needs-trial 1 stub mknodat fail 134 400 - Unhandled exception.",
            "unifarm-needs-trial 2 fake mknodat fail 134 420 - Unhandled exception.",
            "unifarm-needs-trial 3 stub mmap fail 134 300 - Unhandled exception.",
            "unifarm-needs-trial 4 stub openat fail 131 200 - Unhandled exception.",
            "unifarm-needs-trial 5 fake openat fail 131 200 - Unhandled exception.",
            "unifarm-needs-trial 6 stub rseq pass 0 860 -",
            "unifarm-needs-end 7 complete");

    static Path sample(String name) {
        Path zip = Path.of(System.getProperty("test.samples.dir", "../target/samples")).resolve(name + ".zip");
        if (!Files.isRegularFile(zip)) {
            throw new IllegalStateException(zip + " is missing: samples/build runs in generate-test-resources");
        }
        return zip;
    }

    private static KubernetesClient kube() {
        return OperatorCluster.client;
    }

    private static Resource<DotnetApp> resource(String name) {
        return kube().resources(DotnetApp.class).inNamespace(APPS_NS).withName(name);
    }

    private static DotnetApp dotnetApp(String name, DotnetAppSource source, Consumer<DotnetAppSpec> settings) {
        DotnetApp app = new DotnetApp();
        app.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(APPS_NS).build());
        DotnetAppSpec spec = new DotnetAppSpec();
        spec.setSource(source);
        settings.accept(spec);
        app.setSpec(spec);
        return app;
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
    }

    private static Condition condition(DotnetApp app, String type) {
        return app.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " condition in " + app.getStatus().getConditions()));
    }

    private static boolean conditionIs(String name, String type, String status, long generation) {
        DotnetApp app = resource(name).get();
        if (app == null || app.getStatus() == null) {
            return false;
        }
        return app.getStatus().getConditions().stream().anyMatch(c -> type.equals(c.getType()) && status.equals(c.getStatus())
                && c.getObservedGeneration() != null && c.getObservedGeneration() == generation);
    }

    private static List<String> eventReasons(String name) {
        return kube().v1().events().inNamespace(APPS_NS).list().getItems().stream()
                .filter(e -> name.equals(e.getInvolvedObject().getName())).map(Event::getReason).toList();
    }

    @Test
    void testLifecycle_createReadyWithWarmInstance_specChangeNewRevision_deleteCleansUp() throws Exception {
        String name = unique("echo");
        String farmApp = APPS_NS + "-" + name;
        kube().resource(dotnetApp(name, new DotnetAppSource(OperatorCluster.ociReference("echo-http"), null, null), spec -> {
            spec.setPort(8080);
            spec.setEnv(Map.of("PORT", "8080"));
            spec.setScaling(new AppSpec.Scaling(1, 1, "PT10M", null));
        })).create();
        long created = System.nanoTime();

        // create → ImageReady, then Ready with the warm instance the gateway's pool boots
        await().atMost(BUILD).pollInterval(Duration.ofMillis(500)).until(() -> conditionIs(name, "ImageReady", "True", 1));
        long built = System.nanoTime();
        await().atMost(BOOT).pollInterval(Duration.ofMillis(500)).until(() -> conditionIs(name, "Ready", "True", 1));
        // Figures only (timings are never asserted): fetch + build, then the warm instance's boot.
        System.out.printf("operator figures: create -> ImageReady %d ms, ImageReady -> Ready %d ms%n",
                (built - created) / 1_000_000, (System.nanoTime() - built) / 1_000_000);
        DotnetApp ready = resource(name).get();
        DotnetAppStatus status = ready.getStatus();
        assertThat(ready.getMetadata().getFinalizers()).as("JOSDK's finalizer for the cleanup")
                .containsExactly("dotnetapps.unifarm.dev/finalizer");
        assertThat(status.getObservedGeneration()).isEqualTo(1L);
        assertThat(status.getApp()).isEqualTo(farmApp);
        assertThat(status.getRevision()).isEqualTo(1);
        assertThat(status.getPhase()).isEqualTo("Running");
        assertThat(status.getReadyInstances()).isGreaterThanOrEqualTo(1);
        assertThat(status.getInstances()).isGreaterThanOrEqualTo(1);
        assertThat(status.getReady()).isEqualTo(status.getReadyInstances() + "/" + status.getInstances());
        assertThat(status.getImageDigest()).matches("sha256:[0-9a-f]{64}").isEqualTo(apps.revision(farmApp, 1).imageDigest());
        assertThat(status.getSourceDigest()).isEqualTo(Digests.of(sample("echo-http")));
        assertThat(status.getCoverage().getObserved()).as("no traced run yet").isEmpty();
        assertThat(status.getCoverage().getRequired()).as("no needs sweep yet").isNull();
        Condition imageReady = condition(ready, "ImageReady");
        assertThat(imageReady.getReason()).isEqualTo("Built");
        assertThat(imageReady.getLastTransitionTime()).isNotBlank();
        assertThat(condition(ready, "Ready").getReason()).isEqualTo("InstancesReady");
        assertThat(eventReasons(name)).contains("Fetched", "BuildStarted", "ImageReady", "Ready");
        assertThat(apps.get(farmApp).spec().port()).isEqualTo(8080);
        List<Instance> first = instances.list(farmApp, null, 100);
        assertThat(first).anyMatch(i -> i.state() == InstanceState.Running && i.revision() == 1);
        HttpResponse<String> answer = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(status.getUrl() + "x")).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).as("status.url is the app on the gateway").contains("echo-http: GET /x");

        // spec change → generation 2 → revision 2, observedGeneration follows, the old instance is replaced
        resource(name).edit(app -> {
            app.getSpec().setEnv(Map.of("PORT", "8080", "GREETING", "v2"));
            return app;
        });
        assertThat(resource(name).get().getMetadata().getGeneration()).isEqualTo(2L);
        long changed = System.nanoTime();
        await().atMost(BUILD.plus(BOOT)).pollInterval(Duration.ofMillis(500)).until(() -> conditionIs(name, "Ready", "True", 2));
        System.out.printf("operator figures: spec change -> Ready on revision 2 %d ms%n", (System.nanoTime() - changed) / 1_000_000);
        DotnetAppStatus second = resource(name).get().getStatus();
        assertThat(second.getObservedGeneration()).isEqualTo(2L);
        assertThat(second.getRevision()).isEqualTo(2);
        assertThat(apps.get(farmApp).latestRevision()).isEqualTo(2);
        assertThat(apps.get(farmApp).spec().env()).containsEntry("GREETING", "v2");
        assertThat(second.getSourceDigest()).as("same bundle, new settings").isEqualTo(status.getSourceDigest());
        assertThat(instances.list(farmApp, null, 100)).anyMatch(i -> i.state() == InstanceState.Running && i.revision() == 2)
                .noneMatch(i -> !i.state().isTerminal() && i.revision() == 1);
        assertThat(eventReasons(name)).contains("RolledOut");

        // delete → the finalizer stops the instances and removes the app, then lets the resource go
        List<String> ids = instances.list(farmApp, null, 100).stream().map(Instance::id).toList();
        resource(name).delete();
        long deleting = System.nanoTime();
        await().atMost(QUICK).pollInterval(Duration.ofMillis(250)).until(() -> resource(name).get() == null);
        System.out.printf("operator figures: delete -> resource gone %d ms%n", (System.nanoTime() - deleting) / 1_000_000);
        assertThatThrownBy(() -> apps.get(farmApp)).isInstanceOf(ProblemException.class).hasMessageContaining("no app named");
        for (String id : ids) {
            assertThatThrownBy(() -> instances.get(id)).as(id).isInstanceOf(ProblemException.class);
        }
        assertThat(eventReasons(name)).contains("Deleted");
    }

    @Test
    void testUrlSource_downloadedOverHttpsCheckedAndBuilt() throws Exception {
        String name = unique("hello-url");
        String sha256 = Digests.hex(Digests.of(sample("hello")));
        kube().resource(dotnetApp(name, new DotnetAppSource(null, OperatorCluster.httpsUrl("hello"), sha256), spec -> { }))
                .create();
        await().atMost(BUILD).pollInterval(Duration.ofMillis(500)).until(() -> conditionIs(name, "Ready", "True", 1));
        DotnetAppStatus status = resource(name).get().getStatus();
        assertThat(status.getSourceDigest()).isEqualTo("sha256:" + sha256);
        assertThat(condition(resource(name).get(), "Ready").getReason()).as("no port, no warm instance").isEqualTo("OnDemand");
        assertThat(status.getReadyInstances()).isZero();
        assertThat(status.getCoverage().getRequired()).as("no needs sweep yet").isNull();

        // A needs sweep of the revision finishes (stored as the farm stores one): the status names its required syscalls.
        String farmApp = APPS_NS + "-" + name;
        String runId = "n-" + UUID.randomUUID().toString().substring(0, 12);
        jdbc.update("INSERT INTO syscall_needs (run_id, app, revision, reference_run, state, trials_done, trials_planned, result_json,"
                + " created_at, finished_at) VALUES (?, ?, 1, 'r-1', 'Done', 6, 7, ?, ?, ?)", runId, farmApp,
                json.writeValueAsString(NeedsConsole.parse(HELLO_SWEEP, List.of("mknodat", "mmap", "openat", "rseq"))),
                Instant.now(), Instant.now());
        await().atMost(QUICK).pollInterval(Duration.ofMillis(500))
                .until(() -> resource(name).get().getStatus().getCoverage().getRequired() != null);
        assertThat(resource(name).get().getStatus().getCoverage().getRequired()).containsExactly("mknodat", "mmap", "openat");
        resource(name).delete();
        await().atMost(QUICK).until(() -> resource(name).get() == null);
    }

    @Test
    void testBadSources_conditionFalseWithAReasonSayingWhatToFix() {
        String mismatch = unique("bad-sha");
        kube().resource(dotnetApp(mismatch, new DotnetAppSource(null, OperatorCluster.httpsUrl("hello"), "0".repeat(64)),
                spec -> { })).create();
        String missing = unique("bad-ref");
        kube().resource(dotnetApp(missing, new DotnetAppSource(OperatorCluster.ociReference("no-such-bundle"), null, null),
                spec -> { })).create();
        String unreachable = unique("bad-host");
        kube().resource(dotnetApp(unreachable, new DotnetAppSource("http://127.0.0.1:1/bundles/hello:v1", null, null),
                spec -> { })).create();
        String both = unique("bad-both");
        kube().resource(dotnetApp(both, new DotnetAppSource(OperatorCluster.ociReference("hello"), OperatorCluster.httpsUrl("hello"),
                "0".repeat(64)), spec -> { })).create();
        String badSpec = unique("bad-spec");
        kube().resource(dotnetApp(badSpec, new DotnetAppSource(OperatorCluster.ociReference("hello"), null, null),
                spec -> spec.setMemoryMiB(64))).create();

        assertFailed(mismatch, "DigestMismatch", "not spec.source.sha256 " + "0".repeat(64));
        assertFailed(missing, "FetchFailed", "no-such-bundle");
        assertFailed(unreachable, "FetchFailed", "reachable");
        assertFailed(both, "SourceInvalid", "exactly one of oci");
        assertFailed(badSpec, "SpecInvalid", "spec.memoryMiB must be an integer from 128 to 65536");
        assertThat(eventReasons(mismatch)).contains("DigestMismatch");
        for (String name : List.of(mismatch, missing, unreachable, both, badSpec)) {
            assertThatThrownBy(() -> apps.get(APPS_NS + "-" + name)).as("nothing recorded for " + name)
                    .isInstanceOf(ProblemException.class);
            resource(name).delete();
        }
        await().atMost(QUICK).until(() -> kube().resources(DotnetApp.class).inNamespace(APPS_NS).list().getItems().stream()
                .noneMatch(a -> a.getMetadata().getName().startsWith("bad-")));
    }

    private static void assertFailed(String name, String reason, String messagePart) {
        await().atMost(QUICK).pollInterval(Duration.ofMillis(250)).until(() -> conditionIs(name, "ImageReady", "False", 1)
                && reason.equals(condition(resource(name).get(), "ImageReady").getReason()));
        DotnetApp app = resource(name).get();
        assertThat(condition(app, "ImageReady").getMessage()).as(name).contains(messagePart);
        assertThat(condition(app, "Ready").getStatus()).isEqualTo("False");
        assertThat(app.getStatus().getPhase()).isEqualTo("Failed");
        assertThat(app.getStatus().getObservedGeneration()).isEqualTo(1L);
    }

    @Test
    void testExamples_parseAsTypedDotnetAppsTheMockServerAccepts() throws Exception {
        try (var files = Files.list(Path.of("../k8s/examples"))) {
            List<Path> examples = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
            assertThat(examples).isNotEmpty();
            for (Path file : examples) {
                DotnetApp app;
                try (InputStream in = Files.newInputStream(file)) {
                    app = kube().resources(DotnetApp.class).load(in).item();
                }
                assertThat(app.getSpec().getSource()).as(file.toString()).isNotNull();
                BundleFetcher.check(app.getSpec().getSource()); // a well-formed source
                // A namespace the operator does not watch: the examples name registries that do not exist here.
                DotnetApp created = kube().resource(app).inNamespace("examples").create();
                assertThat(created.getMetadata().getUid()).isNotBlank();
                assertThat(kube().resources(DotnetApp.class).inNamespace("examples").withName(app.getMetadata().getName()).get()
                        .getSpec().getSource().getOci()).isEqualTo(app.getSpec().getSource().getOci());
            }
        }
    }

    @Test
    void testLeaderElection_aSecondOperatorDoesNotReconcileWhileTheFirstHoldsTheLease() throws Exception {
        await().atMost(QUICK).until(runner::leading);
        AtomicInteger reconciled = new AtomicInteger();
        Operator second = new Operator(o -> o.withKubernetesClient(OperatorCluster.server.createClient())
                .withUseSSAToPatchPrimaryResource(false)
                .withLeaderElectionConfiguration(new LeaderElectionConfiguration(LEASE, FARM_NS,
                        LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE, LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
                        LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE, "replica-2",
                        new LeaderCallbacks(() -> { }, () -> { }, leader -> { }), false)));
        second.register(new CountingReconciler(reconciled), o -> o.settingNamespaces(APPS_NS));
        second.start();
        try {
            String name = unique("bad-leader");
            kube().resource(dotnetApp(name, new DotnetAppSource(null, null, null), spec -> { })).create();
            assertFailed(name, "SourceInvalid", "exactly one of oci");
            // The first operator has reconciled it; give the second a few retry periods to (wrongly) do the same.
            Thread.sleep(LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE.multipliedBy(3).toMillis());
            assertThat(reconciled).as("the follower reconciled nothing").hasValue(0);
            Lease lease = kube().resources(Lease.class).inNamespace(FARM_NS).withName(LEASE).get();
            assertThat(lease.getSpec().getHolderIdentity()).isEqualTo(IDENTITY);
            resource(name).delete();
        } finally {
            second.stop();
        }
    }

    /** The follower's reconciler: it only counts. */
    static final class CountingReconciler implements Reconciler<DotnetApp> {
        private final AtomicInteger calls;

        CountingReconciler(AtomicInteger calls) {
            this.calls = calls;
        }

        @Override
        public UpdateControl<DotnetApp> reconcile(DotnetApp resource, Context<DotnetApp> context) {
            calls.incrementAndGet();
            return UpdateControl.noUpdate();
        }
    }
}
