package dev.unifarm.api.gateway;

import dev.unifarm.api.db.StoreOutage;
import dev.unifarm.api.instances.Instance;
import dev.unifarm.api.instances.InstanceService;
import dev.unifarm.api.problem.Failures;
import dev.unifarm.api.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;

/** {@link InstanceControl} through the farm's {@link InstanceService}, whatever scheduler runs behind it. */
@ApplicationScoped
class GatewayInstances implements InstanceControl {

    private final InstanceService instances;

    GatewayInstances(InstanceService instances) {
        this.instances = instances;
    }

    @Override
    public String start(String app) {
        try {
            return instances.start(app, null).id();
        } catch (ProblemException e) {
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
    public void stop(String id) {
        try {
            instances.stop(id);
        } catch (ProblemException e) {
            // A deleted app's records go with it (AppDeletion stopped its instances first): nothing left to stop.
            if (e.status() != 404) {
                throw e;
            }
        }
    }
}
