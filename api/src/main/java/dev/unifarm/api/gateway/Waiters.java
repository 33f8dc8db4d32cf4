package dev.unifarm.api.gateway;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * An app pool's requests waiting for a ready instance, oldest first; guarded by the pool's lock, so
 * their futures are completed by the {@code after} actions the pool runs once it released the lock.
 */
final class Waiters {

    record Waiter(CompletableFuture<Lease> future, long enqueued, long deadline) {
    }

    private final Deque<Waiter> queue = new ArrayDeque<>();

    /** A new waiter's future, which fails if no lease comes within {@code timeout}. */
    CompletableFuture<Lease> add(long now, Duration timeout) {
        CompletableFuture<Lease> future = new CompletableFuture<>();
        queue.add(new Waiter(future, now, now + timeout.toNanos()));
        return future;
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    int size() {
        return queue.size();
    }

    Waiter poll() {
        return queue.poll();
    }

    /** Removes and returns the waiters past their deadline, or every waiter when {@code all}. */
    List<Waiter> removeExpired(long now, boolean all) {
        List<Waiter> expired = new ArrayList<>();
        for (Iterator<Waiter> it = queue.iterator(); it.hasNext();) {
            Waiter waiter = it.next();
            if (all || now >= waiter.deadline()) {
                it.remove();
                expired.add(waiter);
            }
        }
        return expired;
    }

    /** Removes every waiter; their futures fail with {@code failure} in {@code after}. */
    void failAll(Throwable failure, List<Runnable> after) {
        while (!queue.isEmpty()) {
            Waiter waiter = queue.poll();
            after.add(() -> waiter.future().completeExceptionally(failure));
        }
    }
}
