package dev.unifarm.api.gateway;

import dev.unifarm.api.apps.App;
import dev.unifarm.api.apps.AppDeleted;
import dev.unifarm.api.apps.AppService;
import dev.unifarm.api.config.GatewayConfig;
import dev.unifarm.api.config.UnifarmConfig;
import dev.unifarm.api.farm.DaemonThreads;
import dev.unifarm.api.problem.ProblemException;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Leases ready instances to gateway requests, one {@link AppPool} per app, and drives the pools: a
 * fast tick follows boots and idleness, a slow one re-reads specs (scaling may change with a new
 * upload), drops pools of deleted apps and creates pools for apps with {@code minInstances} so they
 * are kept warm before their first request.
 */
@ApplicationScoped
public class Activator {

    /** Boot progress is read this often: it is part of every cold request's latency. */
    private static final long TICK_MILLIS = 10;
    private static final long SPEC_REFRESH_MILLIS = 1000;
    private static final int APP_PAGE = 100;

    private final AppService apps;
    private final InstanceControl control;
    private final GatewayMetrics metrics;
    private final GatewayConfig config;
    private final Map<String, AppPool> pools = new ConcurrentHashMap<>();
    private final ExecutorService work = Executors.newCachedThreadPool(DaemonThreads.named("unifarm-gateway-work"));
    private final ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("unifarm-gateway-tick"));

    Activator(AppService apps, GatewayInstances control, GatewayMetrics metrics, UnifarmConfig config) {
        this.apps = apps;
        this.control = control;
        this.metrics = metrics;
        this.config = config.gateway();
    }

    void atStart(@Observes StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        ticks.scheduleWithFixedDelay(guarded(this::tick, new RoundLog("boots and idleness")), TICK_MILLIS, TICK_MILLIS,
                TimeUnit.MILLISECONDS);
        ticks.scheduleWithFixedDelay(guarded(this::refreshSpecs, new RoundLog("spec refresh")), 0, SPEC_REFRESH_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    void atStop(@Observes ShutdownEvent event) {
        ticks.shutdownNow();
        work.shutdownNow();
    }

    /**
     * A lease on a ready instance of {@code app}, once there is one. Runs the app lookup on a worker
     * thread the first time an app is asked for; after that a ready instance with room is leased at once.
     */
    CompletableFuture<Lease> acquire(String app) {
        AppPool pool = pools.get(app);
        if (pool != null) {
            return pool.acquire(config.activationTimeout());
        }
        return CompletableFuture.supplyAsync(() -> poolFor(app), work)
                .thenCompose(p -> p.acquire(config.activationTimeout()));
    }

    private AppPool poolFor(String app) {
        App found;
        try {
            found = apps.get(app);
        } catch (ProblemException e) {
            throw e.status() == 404 ? GatewayException.unknownApp(app) : e;
        }
        if (found.spec().port() == null) {
            throw new GatewayException(409, "app-not-http", "App has no port", "app " + app
                    + " has no spec.port, so nothing listens for the gateway's requests: upload it again with"
                    + " \"port\" set to the port the app listens on");
        }
        return pools.computeIfAbsent(app, name -> newPool(found));
    }

    private AppPool newPool(App app) {
        AppPool[] holder = new AppPool[1];
        GatewayMetrics.AppMeters meters = metrics.forApp(app.name(), () -> holder[0]);
        holder[0] = new AppPool(app.name(), ScalingPolicy.of(app.spec().scaling(), config), control, work, meters, System::nanoTime);
        return holder[0];
    }

    /** The app is gone (its DELETE is about to answer): its requests get 404 from now on, not a dead instance's 502. */
    void appDeleted(@Observes AppDeleted deleted) {
        AppPool pool = pools.remove(deleted.app());
        if (pool != null) {
            pool.close();
        }
    }

    private void tick() {
        for (AppPool pool : pools.values()) {
            pool.tick(config.activationTimeout());
        }
    }

    private void refreshSpecs() {
        for (AppPool pool : pools.values()) {
            try {
                App app = apps.get(pool.app());
                pool.policy(ScalingPolicy.of(app.spec().scaling(), config));
            } catch (ProblemException e) {
                if (e.status() == 404) {
                    pools.remove(pool.app(), pool);
                    pool.close();
                }
            }
        }
        String after = null;
        List<App> page;
        do {
            page = apps.list(after, APP_PAGE);
            for (App app : page) {
                var scaling = app.spec().scaling();
                if (scaling != null && scaling.minInstances() != null && scaling.minInstances() > 0
                        && app.spec().port() != null && !pools.containsKey(app.name())) {
                    pools.computeIfAbsent(app.name(), name -> newPool(app));
                }
                after = app.name();
            }
        } while (page.size() == APP_PAGE);
    }

    private static Runnable guarded(Runnable task, RoundLog log) {
        return () -> {
            try {
                task.run();
                log.succeeded();
            } catch (RuntimeException e) {
                // A failed round must not end the schedule: the next one retries (said once, not every round).
                log.failed(e);
            }
        };
    }


    /** A request for {@code app} ended; recorded only for apps the gateway knows (no meters for made-up names). */
    void recordRequest(String app, long nanos) {
        AppPool pool = pools.get(app);
        if (pool != null) {
            pool.meters().request(nanos);
        }
    }
}
