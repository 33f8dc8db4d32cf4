package dev.unifarm.scheduler.testing;

import static org.awaitility.Awaitility.await;

import dev.unifarm.scheduler.local.LocalScheduler;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Cleans up after boot tests that share schedulers across a class: after each test every instance is
 * stopped and gone (no QEMU is left to the next test), after the class the schedulers are closed. Register
 * it after the scheduler fields: {@code @RegisterExtension static final SchedulerCleanup CLEANUP = new SchedulerCleanup(() -> scheduler);}
 */
public final class SchedulerCleanup implements AfterEachCallback, AfterAllCallback {

    private static final Duration GONE_WAIT = Duration.ofSeconds(30);

    private final List<Supplier<LocalScheduler>> schedulers;

    /** Each supplier gives a scheduler field's current value (null before it is made). */
    @SafeVarargs
    public SchedulerCleanup(Supplier<LocalScheduler>... schedulers) {
        this.schedulers = List.of(schedulers);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<LocalScheduler> made = made();
        made.forEach(LocalScheduler::close);
        await().atMost(GONE_WAIT).until(() -> made.stream().allMatch(scheduler -> scheduler.liveCount() == 0));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        made().forEach(LocalScheduler::close);
    }

    private List<LocalScheduler> made() {
        return schedulers.stream().map(Supplier::get).filter(Objects::nonNull).toList();
    }
}
