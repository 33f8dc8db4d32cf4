package dev.unifarm.scheduler.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.unifarm.imager.model.Image;
import dev.unifarm.scheduler.Accelerator;
import dev.unifarm.scheduler.Backoff;
import dev.unifarm.scheduler.Capacity;
import dev.unifarm.scheduler.InstanceListener;
import dev.unifarm.scheduler.InstanceState;
import dev.unifarm.scheduler.InstanceStatus;
import dev.unifarm.scheduler.LaunchRequest;
import dev.unifarm.scheduler.Lifecycle;
import dev.unifarm.scheduler.RestartPolicy;
import dev.unifarm.scheduler.testing.Recorder;
import dev.unifarm.scheduler.testing.TestImages;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 4 acceptance: 10 starts at once with room for 4, real QEMU booting the real hello sample. */
class CapacityBootTest {

    private static final int MEMORY = 384;
    private static final long OVERHEAD = 64;
    /** Three waves of at most four TCG boots on a loaded 2-core machine; a .NET hello alone takes about 4 s. */
    private static final Duration ALL_DONE = Duration.ofMinutes(6);

    @TempDir
    static Path work;

    private static Image hello;
    private static Image echoHttp;

    @TempDir
    Path instances;

    private LocalScheduler scheduler;

    @BeforeAll
    static void buildImage() {
        hello = TestImages.build("hello", work);
        echoHttp = TestImages.build("echo-http", work);
    }

    @AfterEach
    void stopLeftovers() {
        if (scheduler != null) {
            scheduler.close();
        }
    }

    @Test
    void testStart_tenAtOnceWithRoomForFour() {
        Capacity roomForFour = new Capacity(4 * (MEMORY + OVERHEAD), 64, OVERHEAD, 4);
        scheduler = new LocalScheduler(LocalOptions.of(AcceleratorProbe.detect(), "test-node").withCapacity(roomForFour));
        Set<String> admitted = ConcurrentHashMap.newKeySet();
        AtomicInteger maxAdmitted = new AtomicInteger();
        List<Recorder> recorders = new ArrayList<>();
        List<InstanceStatus> started = new ArrayList<>();

        for (int i = 0; i < 10; i++) {
            Recorder recorder = new Recorder();
            recorders.add(recorder);
            InstanceListener counting = status -> {
                if (status.state() == InstanceState.Booting) {
                    admitted.add(status.id());
                    maxAdmitted.accumulateAndGet(admitted.size(), Math::max);
                } else if (status.state().isTerminal()) {
                    admitted.remove(status.id());
                }
                recorder.changed(status);
            };
            String id = "c" + i;
            started.add(scheduler.start(new LaunchRequest(id, hello, null, null, MEMORY, instances.resolve(id)), counting));
        }

        assertThat(started).filteredOn(s -> s.state() != InstanceState.Pending).hasSize(4);
        assertThat(started.subList(0, 4)).allSatisfy(s -> assertThat(s.state()).isIn(InstanceState.Booting,
                InstanceState.Running, InstanceState.Succeeded));
        assertThat(started.subList(4, 10)).allSatisfy(s -> {
            assertThat(s.state()).isEqualTo(InstanceState.Pending);
            assertThat(s.reason()).isEqualTo("WaitingForCapacity");
            assertThat(s.message()).contains("needs 448 MiB and 1 vCPU", "of 1792 MiB");
        });

        for (Recorder recorder : recorders) {
            InstanceStatus end = recorder.awaitEnd(ALL_DONE);
            assertThat(end.state()).as(() -> end + "\n console: " + console(end.id())).isEqualTo(InstanceState.Succeeded);
        }
        assertThat(maxAdmitted.get()).as("instances holding capacity at once").isEqualTo(4);
        assertThat(recorders.subList(4, 10)).allSatisfy(r -> assertThat(r.states()).containsSubsequence(
                InstanceState.Pending, InstanceState.Booting, InstanceState.Running, InstanceState.Succeeded));
        assertThat(scheduler.liveCount()).isZero();
    }

    private String console(String id) {
        try {
            return String.join("\n", java.nio.file.Files.readAllLines(instances.resolve(id).resolve("console.log")));
        } catch (java.io.IOException e) {
            return "(no console: " + e + ")";
        }
    }

    @Test
    void testStop_ofAWaitingInstanceEndsItWithoutQemu() {
        Capacity roomForOne = new Capacity(MEMORY + OVERHEAD, 64, OVERHEAD, 1);
        scheduler = new LocalScheduler(LocalOptions.of(AcceleratorProbe.detect(), "test-node").withCapacity(roomForOne));
        Recorder first = new Recorder();
        Recorder second = new Recorder();
        scheduler.start(new LaunchRequest("w1", hello, null, null, MEMORY, instances.resolve("w1")), first);
        InstanceStatus waiting = scheduler.start(new LaunchRequest("w2", hello, null, null, MEMORY, instances.resolve("w2")), second);

        assertThat(waiting.state()).isEqualTo(InstanceState.Pending);
        assertThat(scheduler.status("w2")).map(InstanceStatus::reason).hasValue("WaitingForCapacity");
        assertThat(scheduler.stop("w2")).isTrue();

        InstanceStatus end = second.awaitEnd(Duration.ofSeconds(5));
        assertThat(end.state()).isEqualTo(InstanceState.Stopped);
        assertThat(second.states()).doesNotContain(InstanceState.Booting);
        assertThat(instances.resolve("w2").resolve("qemu.cmdline")).doesNotExist();
        assertThat(first.awaitEnd(Duration.ofSeconds(90)).state()).isEqualTo(InstanceState.Succeeded);
    }

    @Test
    void testStart_biggerThanTheWholeBudgetIsUnschedulable() {
        scheduler = new LocalScheduler(LocalOptions.of(AcceleratorProbe.detect(), "test-node")
                .withCapacity(new Capacity(256, 4, OVERHEAD, 1)));
        Recorder recorder = new Recorder();

        InstanceStatus status = scheduler.start(new LaunchRequest("u1", hello, null, null, MEMORY, instances.resolve("u1")), recorder);

        assertThat(status.state()).isEqualTo(InstanceState.Failed);
        assertThat(status.reason()).isEqualTo("Unschedulable");
        assertThat(status.message()).contains("needs 448 MiB", "whole budget is 256 MiB");
        assertThat(scheduler.liveCount()).isZero();
    }

    /** Merge of capacity and restart policies: a restart gives its capacity back during the backoff and is admitted again. */
    @Test
    void testRestart_goesThroughAdmissionAgain() {
        Capacity roomForOne = new Capacity(MEMORY + OVERHEAD, 64, OVERHEAD, 1);
        Lifecycle quickRestart = new Lifecycle(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(2),
                new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMinutes(2)), Duration.ofSeconds(10),
                Lifecycle.defaultBootTimeout(Accelerator.tcg));
        scheduler = new LocalScheduler(LocalOptions.of(AcceleratorProbe.detect(), "test-node")
                .withLifecycle(quickRestart).withCapacity(roomForOne));
        Recorder restarting = new Recorder();
        Recorder server = new Recorder();
        scheduler.start(new LaunchRequest("a1", hello, null, null, MEMORY, instances.resolve("a1")), restarting, RestartPolicy.Always);
        InstanceStatus waiting = scheduler.start(new LaunchRequest("b1", echoHttp, null, null, MEMORY, instances.resolve("b1")), server);
        assertThat(waiting.reason()).isEqualTo("WaitingForCapacity");

        // a1's first run ends: its backoff frees the capacity, b1 takes it, and a1's restart waits behind b1
        await().atMost(Duration.ofMinutes(2)).until(() -> restarting.statuses().stream()
                .anyMatch(s -> s.restarts() == 1 && "WaitingForCapacity".equals(s.reason())));
        assertThat(restarting.statuses()).anySatisfy(s -> assertThat(s.reason()).isEqualTo("BackOff"));
        assertThat(server.states()).contains(InstanceState.Booting);
        assertThat(restarting.statuses()).filteredOn(s -> s.state() == InstanceState.Booting)
                .allSatisfy(s -> assertThat(s.restarts()).isZero());

        // b1's end admits a1's restart
        assertThat(scheduler.stop("b1")).isTrue();
        assertThat(server.awaitEnd(Duration.ofSeconds(30)).state()).isEqualTo(InstanceState.Stopped);
        await().atMost(Duration.ofMinutes(1)).until(() -> restarting.statuses().stream()
                .anyMatch(s -> s.restarts() == 1 && s.state() == InstanceState.Booting));

        assertThat(scheduler.stop("a1")).isTrue();
        assertThat(restarting.awaitEnd(Duration.ofSeconds(60)).state()).isEqualTo(InstanceState.Stopped);
        assertThat(scheduler.liveCount()).isZero();
    }
}
