package dev.unifarm.scheduler.testing;

import dev.unifarm.scheduler.InstanceListener;
import dev.unifarm.scheduler.InstanceState;
import dev.unifarm.scheduler.InstanceStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** An {@link InstanceListener} that keeps every status it hears and completes on the terminal one. */
public final class Recorder implements InstanceListener {

    private final List<InstanceStatus> statuses = new CopyOnWriteArrayList<>();
    private final CompletableFuture<InstanceStatus> end = new CompletableFuture<>();

    @Override
    public void changed(InstanceStatus status) {
        statuses.add(status);
        if (status.state().isTerminal()) {
            end.complete(status);
        }
    }

    public List<InstanceStatus> statuses() {
        return List.copyOf(statuses);
    }

    public List<InstanceState> states() {
        return statuses.stream().map(InstanceStatus::state).toList();
    }

    public boolean saw(InstanceState state) {
        return statuses.stream().anyMatch(s -> s.state() == state);
    }

    public boolean ended() {
        return end.isDone();
    }

    /** The terminal status; fails the test (with what was seen so far) if it does not come within {@code timeout}. */
    public InstanceStatus awaitEnd(Duration timeout) {
        try {
            return end.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("no terminal state within " + timeout + "; states so far: " + states(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        }
    }
}
