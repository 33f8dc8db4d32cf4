package dev.unifarm.api.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class WaitersTest {

    @Test
    void testRemoveExpired_onlyThosePastTheirDeadlineUnlessAll() {
        Waiters waiters = new Waiters();
        CompletableFuture<Lease> early = waiters.add(0, Duration.ofNanos(10));
        waiters.add(5, Duration.ofNanos(10));

        assertThat(waiters.removeExpired(10, false)).extracting(Waiters.Waiter::future).containsExactly(early);
        assertThat(waiters.size()).isEqualTo(1);
        assertThat(waiters.removeExpired(10, true)).hasSize(1);
        assertThat(waiters.isEmpty()).isTrue();
    }

    @Test
    void testFailAll_futuresFailOnlyWhenTheAfterActionsRun() {
        Waiters waiters = new Waiters();
        CompletableFuture<Lease> future = waiters.add(0, Duration.ofSeconds(1));
        List<Runnable> after = new ArrayList<>();

        waiters.failAll(GatewayException.unknownApp("shop"), after);

        assertThat(waiters.isEmpty()).isTrue();
        assertThat(future).isNotDone();
        after.forEach(Runnable::run);
        assertThat(future).isCompletedExceptionally();
    }
}
