package dev.unifarm.scheduler.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.unifarm.imager.model.Image;
import dev.unifarm.scheduler.InstanceState;
import dev.unifarm.scheduler.InstanceStatus;
import dev.unifarm.scheduler.LaunchRequest;
import dev.unifarm.scheduler.local.containment.Containment;
import dev.unifarm.scheduler.testing.GuestHttp;
import dev.unifarm.scheduler.testing.Recorder;
import dev.unifarm.scheduler.testing.TestImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An app with a port under real QEMU: user networking, the guest's init step, readiness through the forward. */
class NetworkBootTest {

    private static final Duration BOOT = Duration.ofSeconds(90);
    private static final int PORT = 8081;

    @TempDir
    static Path work;

    private static Image echoHttp;
    private static Image hello;
    private static LocalScheduler scheduler;

    @TempDir
    Path instances;

    @BeforeAll
    static void build() {
        echoHttp = TestImages.buildWithNetwork("echo-http", work);
        hello = TestImages.build("hello", work);
        scheduler = new LocalScheduler(LocalOptions.of(AcceleratorProbe.detect(), "test-node"));
    }

    @AfterAll
    static void close() {
        if (scheduler != null) {
            scheduler.close();
        }
    }

    @Test
    void testStart_echoHttpIsRunningWhenItAnswersThroughTheForwardedPort() throws IOException {
        Recorder recorder = new Recorder();
        LaunchRequest request = new LaunchRequest("n1", echoHttp, null, Map.of("PORT", String.valueOf(PORT)), 384,
                instances.resolve("n1"), PORT);
        try {
            InstanceStatus started = scheduler.start(request, recorder);
            assertThat(started.endpoint()).startsWith("127.0.0.1:");
            await().atMost(BOOT).until(() -> recorder.saw(InstanceState.Running) || recorder.ended());
            assertThat(recorder.states()).as(() -> "console: " + console(request)).contains(InstanceState.Running);
            InstanceStatus running = scheduler.status("n1").orElseThrow();

            String response = GuestHttp.get(running.endpoint(), "/x");

            assertThat(response).startsWith("HTTP/1.").contains("echo-http: GET /x");
            assertThat(Files.readAllLines(request.instanceDir().resolve("qemu.cmdline")))
                    .contains("user,id=n0,restrict=on,hostfwd=tcp:" + running.endpoint() + "-:" + PORT, "virtio-net-pci,netdev=n0");
            assertThat(console(request)).contains("echo-http listening on port " + PORT);
            // It answered under QEMU's seccomp filter: mode 2 (filter) on the running process.
            assertThat(Files.readAllLines(request.instanceDir().resolve("qemu.cmdline"))).contains("-sandbox", Containment.SANDBOX);
            String pid = Files.readString(request.instanceDir().resolve(QemuProcess.PID_FILE)).strip();
            assertThat(Files.readAllLines(Path.of("/proc", pid, "status"))).contains("Seccomp:\t2");
            assertThat(recorder.statuses()).filteredOn(s -> s.state() == InstanceState.Running)
                    .allSatisfy(s -> assertThat(s.endpoint()).isEqualTo(started.endpoint()));
        } finally {
            scheduler.stop("n1");
        }
        assertThat(recorder.awaitEnd(Duration.ofSeconds(30)).state()).isEqualTo(InstanceState.Stopped);
    }

    @Test
    void testGuestNetwork_reachesNothingOfThisHostUnlessOutboundIsAllowed() throws Exception {
        try (java.net.ServerSocket farmService = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            String ask = "/connect?to=" + PortForward.GUEST_GATEWAY + ":" + farmService.getLocalPort();

            assertThat(answerFromGuest(scheduler, "n3", ask)).as("QEMU's 10.0.2.2 is this host's loopback: fenced off by default")
                    .contains("connect: failed");

            // the control: the same guest with outbound allowed reaches a service on this host's loopback
            LocalScheduler open = new LocalScheduler(LocalOptions.of(AcceleratorProbe.detect(), "test-node")
                    .withContainment(Containment.onThisHost(Containment.onThisHost().settings().withGuestOutbound(true))));
            try {
                assertThat(answerFromGuest(open, "n4", ask)).contains("connect: ok");
            } finally {
                open.close();
            }
        }
    }

    private String answerFromGuest(LocalScheduler on, String id, String path) throws IOException {
        Recorder recorder = new Recorder();
        LaunchRequest request = new LaunchRequest(id, echoHttp, null, Map.of("PORT", String.valueOf(PORT)), 384, instances.resolve(id), PORT);
        try {
            on.start(request, recorder);
            await().atMost(BOOT).until(() -> recorder.saw(InstanceState.Running) || recorder.ended());
            assertThat(recorder.states()).as(() -> "console: " + console(request)).contains(InstanceState.Running);
            return GuestHttp.get(on.status(id).orElseThrow().endpoint(), path);
        } finally {
            on.stop(id);
        }
    }

    @Test
    void testStart_withoutPortHasNoNetworkAndNoEndpoint() throws IOException {
        Recorder recorder = new Recorder();
        LaunchRequest request = new LaunchRequest("n2", hello, null, null, 384, instances.resolve("n2"));

        scheduler.start(request, recorder);
        InstanceStatus end = recorder.awaitEnd(BOOT);

        assertThat(end.state()).isEqualTo(InstanceState.Succeeded);
        assertThat(end.endpoint()).isNull();
        assertThat(Files.readString(request.instanceDir().resolve("qemu.cmdline"))).doesNotContain("-netdev");
    }

    @Test
    void testAnswers_aPortNobodyListensOnIsNotReady() {
        assertThat(ReadinessProbe.probe("127.0.0.1", FreePorts.loopback(), "/", Duration.ofSeconds(1)).ready()).isFalse();
    }

    private static String console(LaunchRequest request) {
        try {
            return String.join("\n", List.copyOf(Files.readAllLines(request.instanceDir().resolve("console.log"))));
        } catch (IOException e) {
            return "(no console: " + e + ")";
        }
    }
}
