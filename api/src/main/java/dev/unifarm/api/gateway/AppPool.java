package dev.unifarm.api.gateway;

import dev.unifarm.api.instances.Instance;
import dev.unifarm.scheduler.Endpoint;
import dev.unifarm.scheduler.InstanceState;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * The instances the gateway runs for one app, and the requests waiting for one (Knative's activator
 * in small): a request leases the least-loaded ready instance with room under {@code maxConcurrency},
 * else it queues until one is ready (bounded by the activation timeout). Demand beyond what the live
 * instances can take starts more, up to {@code maxInstances}; ready instances idle longer than
 * {@code idleTimeout} are stopped down to {@code minInstances}; an instance not ready within the activation
 * timeout of its start is stopped (e.g. an app listening on another port than {@code spec.port} would hold
 * its vCPU for nothing), and the requests waiting get a 504 quoting its console. State changes happen under the pool's
 * lock; blocking calls (start, stop, status reads) run outside it, futures are completed outside it.
 */
final class AppPool {

    private static final Logger LOG = Logger.getLogger(AppPool.class);

    /** How often a ready instance's record is read to notice that it ended. */
    private static final long READY_CHECK_NANOS = Duration.ofSeconds(1).toNanos();
    /**
     * After a failed start or boot, instances wanted only for {@code minInstances} wait this long
     * before the next try, so an app that cannot boot is not started again on every tick.
     */
    private static final long WARM_RETRY_NANOS = Duration.ofSeconds(10).toNanos();
    private static final String DELETED = "stopped: the app was deleted";

    private enum Phase { BOOTING, READY, STOPPING }

    private static final class Member {
        final String id;
        Phase phase = Phase.BOOTING;
        String host;
        int port;
        /** When the start was asked for: the activation timeout counts from here. */
        final long askedAt;
        int inFlight;
        long idleSince;
        long checkedAt;

        Member(String id, long askedAt) {
            this.id = id;
            this.askedAt = askedAt;
        }
    }

    private record Waiter(CompletableFuture<Lease> future, long enqueued, long deadline) {
    }

    private final String app;
    private final InstanceControl control;
    private final Executor work;
    private final GatewayMetrics.AppMeters meters;
    private final LongSupplier nanos;
    private final Map<String, Member> members = new LinkedHashMap<>();
    private final Deque<Waiter> waiters = new ArrayDeque<>();
    private volatile ScalingPolicy policy;
    /** Start calls under way that have no instance id yet. */
    private int starting;
    private boolean closed;
    /** {@link #nanos} before which no instance is started for the warm minimum alone (after a failure). */
    private long warmRetryAt;
    private boolean warmBackoff;

    AppPool(String app, ScalingPolicy policy, InstanceControl control, Executor work, GatewayMetrics.AppMeters meters,
            LongSupplier nanos) {
        this.app = app;
        this.policy = policy;
        this.control = control;
        this.work = work;
        this.meters = meters;
        this.nanos = nanos;
    }

    String app() {
        return app;
    }

    GatewayMetrics.AppMeters meters() {
        return meters;
    }

    void policy(ScalingPolicy updated) {
        this.policy = updated;
    }

    /** A lease on a ready instance now, or once one is ready; fails with a {@link GatewayException}. */
    CompletableFuture<Lease> acquire(Duration timeout) {
        List<Runnable> after = new ArrayList<>();
        CompletableFuture<Lease> future;
        synchronized (this) {
            long now = nanos.getAsLong();
            Lease lease = closed ? null : leaseOrNull(now);
            if (lease != null) {
                return CompletableFuture.completedFuture(lease);
            }
            future = new CompletableFuture<>();
            if (closed) {
                future.completeExceptionally(GatewayException.unknownApp(app));
                return future;
            }
            waiters.add(new Waiter(future, now, now + timeout.toNanos()));
            scaleOut(after);
        }
        after.forEach(Runnable::run);
        return future;
    }

    /**
     * One round of bookkeeping: boots that finished or failed, ready instances that ended, waits that
     * timed out, idle instances to stop, and the instance count the policy and the demand want.
     */
    void tick(Duration activationTimeout) {
        for (Member member : snapshot()) {
            observe(member, activationTimeout);
        }
        List<Runnable> after = new ArrayList<>();
        synchronized (this) {
            long now = nanos.getAsLong();
            giveUpOnLateBoots(now, activationTimeout, after);
            scaleIn(now);
            if (!closed) {
                scaleOut(after);
            }
        }
        after.forEach(Runnable::run);
    }

    private synchronized List<Member> snapshot() {
        long now = nanos.getAsLong();
        List<Member> due = new ArrayList<>();
        for (Member m : members.values()) {
            if (m.phase == Phase.BOOTING || (m.phase == Phase.READY && now - m.checkedAt >= READY_CHECK_NANOS)) {
                due.add(m);
            }
        }
        return due;
    }

    /** Reads one instance's record (outside the lock) and applies what it says. */
    private void observe(Member member, Duration activationTimeout) {
        Instance status;
        try {
            status = control.status(member.id);
        } catch (RuntimeException e) {
            return;
        }
        List<Runnable> after = new ArrayList<>();
        synchronized (this) {
            long now = nanos.getAsLong();
            member.checkedAt = now;
            if (status.state().isTerminal()) {
                if (members.remove(member.id) != null && member.phase == Phase.BOOTING) {
                    failWaitersIfNothingComes(GatewayException.bootFailed(app, "instance " + member.id + " of " + app
                            + " ended " + status.state() + describe(status) + " before it accepted requests on its port"), after);
                }
            } else if (member.phase == Phase.BOOTING && status.state() == InstanceState.Running && status.endpoint() != null) {
                Endpoint endpoint = Endpoint.parse(status.endpoint());
                member.host = endpoint.host();
                member.port = endpoint.port();
                member.phase = Phase.READY;
                member.idleSince = now;
                dispatch(now, after);
            }
        }
        after.forEach(Runnable::run);
    }

    private static String describe(Instance status) {
        StringBuilder text = new StringBuilder();
        if (status.reason() != null) {
            text.append('/').append(status.reason());
        }
        if (status.exitCode() != null) {
            text.append(" (exit code ").append(status.exitCode()).append(')');
        }
        if (status.message() != null && !status.message().isBlank()) {
            text.append(": ").append(status.message());
        }
        return text.toString();
    }

    private void release(Member member) {
        List<Runnable> after = new ArrayList<>();
        synchronized (this) {
            long now = nanos.getAsLong();
            member.inFlight--;
            if (member.inFlight == 0) {
                member.idleSince = now;
            }
            dispatch(now, after);
        }
        after.forEach(Runnable::run);
    }

    /** Hands ready capacity to waiting requests, oldest first. */
    private void dispatch(long now, List<Runnable> after) {
        while (!waiters.isEmpty()) {
            Lease lease = leaseOrNull(now);
            if (lease == null) {
                return;
            }
            Waiter waiter = waiters.poll();
            meters.activationWait(now - waiter.enqueued());
            after.add(() -> {
                if (!waiter.future().complete(lease)) {
                    lease.release();
                }
            });
        }
    }

    private Lease leaseOrNull(long now) {
        Member best = null;
        for (Member m : members.values()) {
            if (m.phase == Phase.READY && policy.hasRoom(m.inFlight) && (best == null || m.inFlight < best.inFlight)) {
                best = m;
            }
        }
        if (best == null) {
            return null;
        }
        Member chosen = best;
        chosen.inFlight++;
        return new Lease(chosen.id, chosen.host, chosen.port, () -> release(chosen));
    }

    /**
     * Requests waiting past the activation timeout get a 504 saying what the oldest booting instance shows;
     * instances not ready within the activation timeout of their start are stopped, saying why, and when
     * nothing else is on its way the requests still waiting get the same 504.
     */
    private void giveUpOnLateBoots(long now, Duration activationTimeout, List<Runnable> after) {
        Member oldestBooting = null;
        List<Member> late = new ArrayList<>();
        for (Member m : members.values()) {
            if (m.phase != Phase.BOOTING) {
                continue;
            }
            oldestBooting = oldestBooting == null ? m : oldestBooting;
            if (now - m.askedAt >= activationTimeout.toNanos()) {
                m.phase = Phase.STOPPING;
                late.add(m);
            }
        }
        boolean nothingComes = !late.isEmpty() && live() == 0;
        List<Waiter> expired = new ArrayList<>();
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext();) {
            Waiter waiter = it.next();
            if (nothingComes || now >= waiter.deadline()) {
                it.remove();
                expired.add(waiter);
            }
        }
        if (!late.isEmpty()) {
            warmBackoff = true;
            warmRetryAt = now + WARM_RETRY_NANOS;
        }
        if (expired.isEmpty() && late.isEmpty()) {
            return;
        }
        String explained = oldestBooting == null ? null : oldestBooting.id;
        // The console and record reads block: off the tick thread.
        after.add(() -> work.execute(() -> {
            String evidence = explained == null ? null : notReady(explained);
            GatewayException timeout = GatewayException.timeout(app, activationTimeout, evidence);
            expired.forEach(waiter -> waiter.future().completeExceptionally(timeout));
            for (Member m : late) {
                try {
                    stopNow(m, "stopped: not ready within " + activationTimeout + " (unifarm.gateway.activation-timeout); "
                            + (m.id.equals(explained) ? evidence : notReady(m.id)));
                } catch (RuntimeException e) {
                    LOG.warnf("could not stop %s of %s, not ready in time: %s", m.id, app, e);
                }
            }
        }));
    }

    /** {@link InstanceControl#notReady}, or a plain sentence when it cannot be read (the 504 must still go out). */
    private String notReady(String id) {
        try {
            return control.notReady(id);
        } catch (RuntimeException e) {
            return "instance " + id + " is not ready (its record could not be read: " + e.getMessage() + ")";
        }
    }

    /** Starts instances while the policy's minimum or the demand asks for more than are live or coming. */
    private void scaleOut(List<Runnable> after) {
        ScalingPolicy p = policy;
        int demand = inFlight() + waiters.size();
        boolean backingOff = warmBackoff && nanos.getAsLong() - warmRetryAt < 0;
        int wanted = backingOff ? 0 : p.minInstances();
        if (demand > 0) {
            int perInstance = p.maxConcurrency();
            wanted = Math.max(wanted, perInstance == Integer.MAX_VALUE ? 1 : (demand + perInstance - 1) / perInstance);
        }
        wanted = Math.min(wanted, p.maxInstances());
        long asked = nanos.getAsLong();
        for (int missing = wanted - live(); missing > 0; missing--) {
            starting++;
            after.add(() -> work.execute(() -> startOne(asked)));
        }
    }

    private void startOne(long askedAt) {
        String id;
        try {
            id = control.start(app);
        } catch (RuntimeException e) {
            GatewayException failure = e instanceof GatewayException g ? g
                    : GatewayException.bootFailed(app, "starting an instance of " + app + " failed: " + e.getMessage());
            List<Runnable> after = new ArrayList<>();
            synchronized (this) {
                starting--;
                failWaitersIfNothingComes(failure, after);
            }
            after.forEach(Runnable::run);
            return;
        }
        // Counted once the farm made the instance: a start refused (e.g. revision still building) is no activation.
        meters.activation();
        synchronized (this) {
            starting--;
            members.put(id, new Member(id, askedAt));
            if (closed) {
                stopAsync(members.get(id), DELETED);
            }
        }
    }

    /** A boot failed: waiting requests get its reason unless another instance is still on its way. */
    private void failWaitersIfNothingComes(GatewayException failure, List<Runnable> after) {
        warmBackoff = true;
        warmRetryAt = nanos.getAsLong() + WARM_RETRY_NANOS;
        if (live() > 0) {
            return;
        }
        while (!waiters.isEmpty()) {
            Waiter waiter = waiters.poll();
            after.add(() -> waiter.future().completeExceptionally(failure));
        }
    }

    /** Stops ready instances idle for {@code idleTimeout}, keeping {@code minInstances}. */
    private void scaleIn(long now) {
        if (!waiters.isEmpty()) {
            return;
        }
        long idle = policy.idleTimeout().toNanos();
        for (Member m : List.copyOf(members.values())) {
            if (m.phase == Phase.READY && m.inFlight == 0 && now - m.idleSince >= idle
                    && (closed || live() > policy.minInstances())) {
                stopAsync(m, closed ? DELETED : "stopped: idle for " + policy.idleTimeout() + " (scaling.idleTimeout)");
            }
        }
    }

    private void stopAsync(Member member, String why) {
        member.phase = Phase.STOPPING;
        work.execute(() -> stopNow(member, why));
    }

    /** Stops a member marked {@code STOPPING} and forgets it (blocking). */
    private void stopNow(Member member, String why) {
        try {
            control.stop(member.id, why);
        } finally {
            synchronized (this) {
                members.remove(member.id);
            }
        }
    }

    /** The app is gone: waiting requests get 404, its instances are stopped. */
    void close() {
        List<Runnable> after = new ArrayList<>();
        synchronized (this) {
            closed = true;
            while (!waiters.isEmpty()) {
                Waiter waiter = waiters.poll();
                after.add(() -> waiter.future().completeExceptionally(GatewayException.unknownApp(app)));
            }
            for (Member m : List.copyOf(members.values())) {
                if (m.phase != Phase.STOPPING) {
                    stopAsync(m, DELETED);
                }
            }
        }
        after.forEach(Runnable::run);
    }

    /** Instances booting, ready or being started (not those being stopped). */
    synchronized int live() {
        int n = starting;
        for (Member m : members.values()) {
            if (m.phase != Phase.STOPPING) {
                n++;
            }
        }
        return n;
    }

    synchronized int inFlight() {
        int n = 0;
        for (Member m : members.values()) {
            n += m.inFlight;
        }
        return n;
    }
}
