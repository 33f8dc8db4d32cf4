package dev.unifarm.api.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unifarm.api.instances.Instance;
import dev.unifarm.scheduler.Activation;
import dev.unifarm.scheduler.InstanceState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The pool's side of snapshot restores (issue 18), with a scripted farm: a restore that ends {@code RestoreFailed}
 * is the optimisation failing, not the app, so its waiters are served by a boot instead of a 502; a boot that fails
 * still fails them. The activation histogram is recorded per mode, and only booted instances' first answers ask
 * for a snapshot.
 */
class AppPoolRestoreTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(1);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ScriptedFarm farm = new ScriptedFarm();
    private long now;
    private final AppPool pool = new AppPool("shop", new ScalingPolicy(0, 1, Duration.ofMinutes(5), Integer.MAX_VALUE), farm,
            Runnable::run, new GatewayMetrics.AppMeters(Timer.builder("r").register(registry), Counter.builder("a").register(registry),
                    Timer.builder("w").register(registry), mode -> Timer.builder("act").tag("mode", mode).register(registry)),
            () -> now);

    @Test
    void testRestoreFailed_dropsTheSnapshotAndBootsForTheWaiter() throws Exception {
        farm.nextActivations.add(Instance.RESTORE);
        farm.nextActivations.add(Instance.BOOT);
        CompletableFuture<Lease> waiting = pool.acquire(TIMEOUT);
        assertThat(farm.started).containsExactly("i-1");

        farm.states.put("i-1", ended("i-1", InstanceState.Failed, Activation.RESTORE_FAILED));
        tick();

        assertThat(farm.restoreFailed).containsExactly("i-1");
        assertThat(farm.started).containsExactly("i-1", "i-2");
        assertThat(waiting).isNotDone();
        farm.states.put("i-2", running("i-2"));
        now += Duration.ofSeconds(4).toNanos();
        tick();
        assertThat(waiting).isCompleted();
        assertThat(waiting.get().instanceId()).isEqualTo("i-2");
        assertThat(registry.find("act").tag("mode", "boot").timer().count()).isEqualTo(1);
        assertThat(registry.find("act").tag("mode", "restore").timer()).isNull();
    }

    @Test
    void testBootFailed_stillFailsTheWaiters() {
        farm.nextActivations.add(Instance.BOOT);
        CompletableFuture<Lease> waiting = pool.acquire(TIMEOUT);

        farm.states.put("i-1", ended("i-1", InstanceState.Failed, "UnhandledException"));
        tick();

        assertThat(waiting).isCompletedExceptionally();
        assertThat(farm.restoreFailed).isEmpty();
        assertThat(farm.started).containsExactly("i-1");
    }

    @Test
    void testFirstAnswer_ofABootedInstanceOnlyAndOnce() throws Exception {
        farm.nextActivations.add(Instance.RESTORE);
        CompletableFuture<Lease> waiting = pool.acquire(TIMEOUT);
        farm.states.put("i-1", running("i-1"));
        tick();
        Lease lease = waiting.get();

        lease.answered(200);
        lease.release();

        assertThat(farm.answered).as("a restored instance is a snapshot already").isEmpty();
        assertThat(registry.find("act").tag("mode", "restore").timer().count()).isEqualTo(1);
    }

    @Test
    void testFirstAnswer_below500AsksForASnapshotOnce() throws Exception {
        farm.nextActivations.add(Instance.BOOT);
        CompletableFuture<Lease> waiting = pool.acquire(TIMEOUT);
        farm.states.put("i-1", running("i-1"));
        tick();
        Lease lease = waiting.get();

        lease.answered(502);
        assertThat(farm.answered).isEmpty();
        lease.answered(404);
        lease.answered(200);

        assertThat(farm.answered).containsExactly("i-1");
    }

    private void tick() {
        pool.tick(TIMEOUT);
    }

    private static Instance running(String id) {
        return new Instance(id, "shop", 1, InstanceState.Running, null, 0, null, null, "127.0.0.1:40000", "tcg", "n", Instant.EPOCH,
                Instant.EPOCH, Instant.EPOCH, null, "boot");
    }

    private static Instance ended(String id, InstanceState state, String reason) {
        return new Instance(id, "shop", 1, state, null, 0, reason, "it ended", null, "tcg", "n", Instant.EPOCH, Instant.EPOCH, null,
                Instant.EPOCH, "boot");
    }

    /** Starts instances i-1, i-2, … begun as the script says, and reports the states the test sets. */
    private static final class ScriptedFarm implements InstanceControl {
        final List<String> nextActivations = new ArrayList<>();
        final List<String> started = new ArrayList<>();
        final List<String> restoreFailed = new ArrayList<>();
        final List<String> answered = new ArrayList<>();
        final Map<String, Instance> states = new HashMap<>();

        @Override
        public Started start(String app) {
            String id = "i-" + (started.size() + 1);
            started.add(id);
            states.put(id, new Instance(id, app, 1, InstanceState.Booting, null, 0, null, null, null, "tcg", "n", Instant.EPOCH,
                    Instant.EPOCH, null, null, "boot"));
            return new Started(id, nextActivations.remove(0));
        }

        @Override
        public Instance status(String id) {
            return states.get(id);
        }

        @Override
        public void stop(String id, String why) {
        }

        @Override
        public String notReady(String id) {
            return id + " is not ready";
        }

        @Override
        public void restoreFailed(String id) {
            restoreFailed.add(id);
        }

        @Override
        public void answered(String app, String id) {
            answered.add(id);
        }
    }
}
