package dev.unifarm.api.gateway;

import dev.unifarm.api.apps.AppService;
import dev.unifarm.api.apps.AppSpec;
import dev.unifarm.api.db.StoreOutage;
import dev.unifarm.api.instances.ActivationChoice;
import dev.unifarm.api.instances.Instance;
import dev.unifarm.api.instances.InstanceService;
import dev.unifarm.api.problem.Failures;
import dev.unifarm.api.problem.ProblemException;
import dev.unifarm.api.snapshots.SnapshotActivations;
import dev.unifarm.api.snapshots.SnapshotMaker;
import dev.unifarm.scheduler.ConsoleView;
import dev.unifarm.scheduler.InstanceState;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** {@link InstanceControl} through the farm's {@link InstanceService}, whatever scheduler runs behind it. */
@ApplicationScoped
class GatewayInstances implements InstanceControl {

    /** How many of the app's last console lines a not-ready message quotes. */
    private static final int QUOTED_LINES = 3;

    private final InstanceService instances;
    private final AppService apps;
    private final SnapshotActivations activations;
    private final SnapshotMaker snapshots;

    GatewayInstances(InstanceService instances, AppService apps, SnapshotActivations activations, SnapshotMaker snapshots) {
        this.instances = instances;
        this.apps = apps;
        this.activations = activations;
        this.snapshots = snapshots;
    }

    /** A restore the scheduler could not even start (e.g. its files went meanwhile) costs the snapshot and boots instead. */
    private Started restoreOrBoot(String app) {
        SnapshotActivations.OneStart choice = activations.oneStart();
        Instance started;
        try {
            started = instances.start(app, choice);
        } catch (RuntimeException e) {
            if (!choice.startFailed()) {
                throw e;
            }
            started = instances.start(app, ActivationChoice.BOOT);
        }
        return new Started(started.id(), started.activation());
    }

    @Override
    public void restoreFailed(String id) {
        activations.restoreFailed(id);
    }

    @Override
    public void answered(String app, String id) {
        snapshots.answered(app, id);
    }

    @Override
    public Started start(String app) {
        try {
            return restoreOrBoot(app);
        } catch (ProblemException e) {
            if (e.status() == 404 && "app-not-found".equals(e.type())) {
                throw GatewayException.unknownApp(app); // deleted meanwhile
            }
            // A revision still building is worth a retry later; anything else is the app's fault.
            int status = "revision-not-ready".equals(e.type()) ? 503 : 502;
            throw new GatewayException(status, "activation-failed", "Could not start an instance", "starting an instance of "
                    + app + " failed: " + e.getMessage());
        } catch (RuntimeException e) {
            if (StoreOutage.isOutage(e)) {
                // The pool words other failures with their message; this one would show the database's address.
                throw new GatewayException(503, Failures.STORE_UNAVAILABLE, "Service unavailable", "starting an instance of "
                        + app + " failed: the store is unavailable, retry later");
            }
            throw e;
        }
    }

    @Override
    public Instance status(String id) {
        return instances.get(id);
    }

    @Override
    public void stop(String id, String why) {
        try {
            instances.stop(id, why);
        } catch (ProblemException e) {
            // A deleted app's records go with it (AppDeletion stopped its instances first): nothing left to stop.
            if (e.status() != 404) {
                throw e;
            }
        }
    }

    @Override
    public String notReady(String id) {
        try {
            Instance instance = instances.get(id);
            if (instance.state() != InstanceState.Booting) {
                // e.g. Pending/WaitingForCapacity: its own message says what it waits for
                return "instance " + id + " is " + instance.state() + (instance.reason() == null ? "" : "/" + instance.reason())
                        + (instance.message() == null ? "" : ": " + instance.message());
            }
            AppSpec spec = apps.get(instance.app()).spec();
            String path = spec.readinessPath() != null ? spec.readinessPath() : "/";
            List<String> lines = instances.console(id, ConsoleView.APP).lines().filter(line -> !line.isBlank()).toList();
            String said = lines.isEmpty() ? "its console shows no app output yet"
                    : "its console says: \"" + String.join(" | ", lines.subList(Math.max(0, lines.size() - QUOTED_LINES), lines.size()))
                            + "\"";
            return "instance " + id + " is " + instance.state() + ", and GET " + path + " on spec.port " + spec.port()
                    + " got no 2xx/3xx answer; " + said + " — if the app listens on another port than spec.port "
                    + spec.port() + ", make it listen on spec.port (PORT) or set \"port\" in the spec to the port it"
                    + " listens on; console: GET /api/v1/instances/" + id + "/console?view=app";
        } catch (ProblemException e) {
            return "instance " + id + " (" + e.getMessage() + ")";
        }
    }
}
