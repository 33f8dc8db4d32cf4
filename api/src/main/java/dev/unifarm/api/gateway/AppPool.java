package dev.unifarm.api.gateway;

import dev.unifarm.api.gateway.PoolMember.Phase;
import dev.unifarm.api.gateway.Waiters.Waiter;
import dev.unifarm.api.instances.Instance;
import dev.unifarm.scheduler.Activation;
import dev.unifarm.scheduler.Endpoint;
import dev.unifarm.scheduler.InstanceState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * The instances the gateway runs for one app, and the requests waiting for one (Knative's activator
 * in small): a request leases the least-loaded ready instance with room under {@code maxConcurrency},
 * else it queues until one is ready (bounded by the activation timeout). Demand beyond what the live
 * instances can take starts more, up to {@code maxInstances}; ready instances idle longer than
 * {@code idleTimeout} are stopped down to {@code minInstances}; an instance not ready within the activation
 * timeout of its start is stopped (e.g. an app listening on another port than {@code spec.port} would hold
 * its vCPU for nothing), and the requests waiting get a 504 quoting its console. State changes happen under the pool's
 * lock ({@link PoolMembers}, {@link Waiters}); blocking calls (start, stop, status reads) run outside it, futures are
 * completed outside it.
 */
final class AppPool {

    private static final String DELETED = "stopped: the app was deleted";

    private final String app;
    private final InstanceControl control;
    private final Executor work;
    private final GatewayMetrics.AppMeters meters;
    private final LongSupplier nanos;
    private final PoolMembers members = new PoolMembers();
    private final Waiters waiters = new Waiters();
    private volatile ScalingPolicy policy;
    private final WarmRetry warmRetry = new WarmRetry();
    private boolean closed;

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
            if (closed) {
                return CompletableFuture.failedFuture(GatewayException.unknownApp(app));
            }
            Lease lease = leaseOrNull();
            if (lease != null) {
                return CompletableFuture.completedFuture(lease);
            }
            future = waiters.add(nanos.getAsLong(), timeout);
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
        List<PoolMember> due;
        synchronized (this) {
            due = members.dueForCheck(nanos.getAsLong());
        }
        for (PoolMember member : due) {
            observe(member);
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

    /** Reads one instance's record (outside the lock) and applies what it says. */
    private void observe(PoolMember member) {
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
                boolean wasBooting = members.remove(member) && member.phase == Phase.BOOTING;
                if (wasBooting && Activation.RESTORE_FAILED.equals(status.reason())) {
                    // The optimisation failed, not the app: its snapshot goes first, then a boot serves the waiters.
                    after.add(() -> control.restoreFailed(member.id));
                    if (!closed) {
                        scaleOut(after);
                    }
                } else if (wasBooting) {
                    failWaitersIfNothingComes(GatewayException.endedBeforeReady(app, member.id, status), after);
                }
            } else if (member.phase == Phase.BOOTING && status.state() == InstanceState.Running && status.endpoint() != null) {
                member.ready(Endpoint.parse(status.endpoint()), now);
                meters.activated(member.activation, now - member.askedAt);
                dispatch(now, after);
            }
        }
        after.forEach(Runnable::run);
    }

    private void release(PoolMember member) {
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
            Lease lease = leaseOrNull();
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

    private Lease leaseOrNull() {
        PoolMember chosen = members.leastLoaded(policy);
        if (chosen == null) {
            return null;
        }
        chosen.inFlight++;
        return new Lease(chosen.id, chosen.host, chosen.port, () -> release(chosen), status -> answered(chosen, status));
    }

    /** The first answer below 500 of a booted instance: the farm may snapshot its revision now (off the request path). */
    private void answered(PoolMember member, int status) {
        synchronized (this) {
            if (member.answered || status >= 500 || !Instance.BOOT.equals(member.activation)) {
                return;
            }
            member.answered = true;
        }
        work.execute(() -> control.answered(app, member.id));
    }

    /**
     * Requests waiting past the activation timeout get a 504 saying what the oldest booting instance shows;
     * instances not ready within the activation timeout of their start are stopped, saying why, and when
     * nothing else is on its way the requests still waiting get the same 504.
     */
    private void giveUpOnLateBoots(long now, Duration activationTimeout, List<Runnable> after) {
        PoolMember oldestBooting = members.oldestBooting();
        List<PoolMember> late = members.markLateBoots(now, activationTimeout);
        List<Waiter> expired = waiters.removeExpired(now, !late.isEmpty() && members.live() == 0);
        if (!late.isEmpty()) {
            warmRetry.failed(now);
        }
        if (expired.isEmpty() && late.isEmpty()) {
            return;
        }
        String explained = oldestBooting == null ? null : oldestBooting.id;
        after.add(() -> work.execute(new ActivationTimeout(app, control, activationTimeout, explained, expired, late, this::stopNow)));
    }

    /** Starts instances while the policy's minimum or the demand asks for more than are live or coming. */
    private void scaleOut(List<Runnable> after) {
        int wanted = policy.wanted(members.inFlight() + waiters.size(), warmRetry.holding(nanos.getAsLong()));
        long asked = nanos.getAsLong();
        for (int missing = wanted - members.live(); missing > 0; missing--) {
            members.startAsked();
            after.add(() -> work.execute(() -> startOne(asked)));
        }
    }

    private void startOne(long askedAt) {
        InstanceControl.Started started;
        try {
            started = control.start(app);
        } catch (RuntimeException e) {
            GatewayException failure = e instanceof GatewayException g ? g
                    : GatewayException.bootFailed(app, "starting an instance of " + app + " failed: " + e.getMessage());
            List<Runnable> after = new ArrayList<>();
            synchronized (this) {
                members.startEnded(null);
                failWaitersIfNothingComes(failure, after);
            }
            after.forEach(Runnable::run);
            return;
        }
        // Counted once the farm made the instance: a start refused (e.g. revision still building) is no activation.
        meters.activation();
        PoolMember member = new PoolMember(started.id(), askedAt, started.activation());
        synchronized (this) {
            members.startEnded(member);
            if (closed) {
                stopAsync(member, DELETED);
            }
        }
    }

    /** A boot failed: waiting requests get its reason unless another instance is still on its way. */
    private void failWaitersIfNothingComes(GatewayException failure, List<Runnable> after) {
        warmRetry.failed(nanos.getAsLong());
        if (members.live() == 0) {
            waiters.failAll(failure, after);
        }
    }

    /** Stops ready instances idle for {@code idleTimeout}, keeping {@code minInstances}. */
    private void scaleIn(long now) {
        if (!waiters.isEmpty()) {
            return;
        }
        long idle = policy.idleTimeout().toNanos();
        for (PoolMember m : members.all()) {
            if (m.phase == Phase.READY && m.inFlight == 0 && now - m.idleSince >= idle
                    && (closed || members.live() > policy.minInstances())) {
                stopAsync(m, closed ? DELETED : "stopped: idle for " + policy.idleTimeout() + " (scaling.idleTimeout)");
            }
        }
    }

    private void stopAsync(PoolMember member, String why) {
        member.phase = Phase.STOPPING;
        work.execute(() -> stopNow(member, why));
    }

    /** Stops a member marked {@code STOPPING} and forgets it (blocking). */
    private void stopNow(PoolMember member, String why) {
        try {
            control.stop(member.id, why);
        } finally {
            synchronized (this) {
                members.remove(member);
            }
        }
    }

    /** The app is gone: waiting requests get 404, its instances are stopped. */
    void close() {
        List<Runnable> after = new ArrayList<>();
        synchronized (this) {
            closed = true;
            waiters.failAll(GatewayException.unknownApp(app), after);
            for (PoolMember m : members.all()) {
                if (m.phase != Phase.STOPPING) {
                    stopAsync(m, DELETED);
                }
            }
        }
        after.forEach(Runnable::run);
    }

    /** Instances booting, ready or being started (not those being stopped). */
    synchronized int live() {
        return members.live();
    }

    synchronized int inFlight() {
        return members.inFlight();
    }
}
