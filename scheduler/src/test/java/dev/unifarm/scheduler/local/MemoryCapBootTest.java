package dev.unifarm.scheduler.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.unifarm.imager.model.Image;
import dev.unifarm.scheduler.InstanceState;
import dev.unifarm.scheduler.InstanceStatus;
import dev.unifarm.scheduler.LaunchRequest;
import dev.unifarm.scheduler.local.containment.Containment;
import dev.unifarm.scheduler.testing.Recorder;
import dev.unifarm.scheduler.testing.TestImages;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A QEMU held to a memory cap below what its guest touches is stopped by its own cgroup, not by the
 * host's OOM killer choosing among everyone: the instance ends saying so, while a neighbour instance
 * (another scheduler of this same JVM: the farm) runs on and answers.
 */
class MemoryCapBootTest {

    private static final Duration BOOT = Duration.ofSeconds(120);

    @TempDir
    Path work;

    @Test
    void testCap_aGuestFillingItsMemoryIsStoppedByItsCgroupAndTheNeighbourRunsOn() throws Exception {
        Image oom = TestImages.build("oom", work);
        Image echoHttp = TestImages.buildWithNetwork("echo-http", work);
        Containment host = Containment.onThisHost();
        assertThat(host.ownUsers()).as(host.describe()).isTrue();
        Containment capped = Containment.onThisHost(host.settings().withMemoryLimitMiB(448));
        LocalScheduler neighbours = new LocalScheduler(LocalOptions.of(AcceleratorProbe.detect(), "test-node").withContainment(host));
        LocalScheduler tight = new LocalScheduler(LocalOptions.of(AcceleratorProbe.detect(), "test-node").withContainment(capped));
        try {
            Recorder web = new Recorder();
            neighbours.start(new LaunchRequest("cap-web", echoHttp, null, Map.of("PORT", "8081"), 384, work.resolve("cap-web"), 8081), web);
            await().atMost(BOOT).until(() -> web.saw(InstanceState.Running) || web.ended());
            assertThat(web.states()).contains(InstanceState.Running);

            Recorder filler = new Recorder();
            // 768 MiB of guest, 448 MiB of cap (boot touches ~250): "oom chunks" keeps touching 16 MiB blocks until the cap is reached
            tight.start(new LaunchRequest("cap-oom", oom, List.of("chunks"), null, 768, work.resolve("cap-oom")), filler);
            assertThat(tight.confinement("cap-oom")).hasValueSatisfying(c -> assertThat(c.memoryLimitMiB()).isEqualTo(448L));
            InstanceStatus end = filler.awaitEnd(BOOT);

            assertThat(end.state()).isEqualTo(InstanceState.Failed);
            assertThat(end.reason()).as(end.message()).isEqualTo("MemoryCapExceeded");
            assertThat(end.message()).contains("killed by its cgroup's memory limit (448 MiB").contains("only this instance was stopped")
                    .contains("oom: holding");
            assertThat(Files.readString(work.resolve("cap-oom").resolve("console.log"))).as("the guest's own OOM killer never ran")
                    .doesNotContain("Out of memory: Killed process");

            InstanceStatus neighbour = neighbours.status("cap-web").orElseThrow();
            assertThat(neighbour.state()).isEqualTo(InstanceState.Running);
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + neighbour.endpoint() + "/after"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).contains("echo-http: GET /after");
        } finally {
            tight.close();
            neighbours.close();
        }
    }
}
