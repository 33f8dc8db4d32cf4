package dev.unifarm.api.front;

import dev.unifarm.api.apps.AppDeleted;
import dev.unifarm.api.apps.AppRepository;
import dev.unifarm.api.apps.RevisionRepository;
import dev.unifarm.api.instances.Instance;
import dev.unifarm.api.instances.InstanceMetrics;
import dev.unifarm.api.instances.InstanceRepository;
import dev.unifarm.api.instances.InstanceService;
import dev.unifarm.api.problem.ProblemException;
import dev.unifarm.api.store.StoreGarbage;
import dev.unifarm.api.store.StoreSweeper;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code DELETE /api/v1/apps/{name}}: stops the app's live instances, then deletes its rows and records
 * its files as garbage in one transaction, then sweeps. A farm killed at any point leaves either the
 * whole app or no app, and at most files {@link StoreSweeper} removes at the next start.
 */
@ApplicationScoped
public class AppDeletion {

    private static final int PAGE = 500;

    private final AppRepository apps;
    private final RevisionRepository revisions;
    private final InstanceService instances;
    private final InstanceRepository instanceRecords;
    private final StoreGarbage garbage;
    private final StoreSweeper sweeper;
    private final InstanceMetrics metrics;
    /** Observers (the gateway) forget the app before the DELETE answers, so its URL is a 404 at once. */
    private final Event<AppDeleted> deleted;
    private final Clock clock = Clock.systemUTC();

    AppDeletion(AppRepository apps, RevisionRepository revisions, InstanceService instances, InstanceRepository instanceRecords,
            StoreGarbage garbage, StoreSweeper sweeper, InstanceMetrics metrics, Event<AppDeleted> deleted) {
        this.deleted = deleted;
        this.metrics = metrics;
        this.apps = apps;
        this.revisions = revisions;
        this.instances = instances;
        this.instanceRecords = instanceRecords;
        this.garbage = garbage;
        this.sweeper = sweeper;
    }

    /** @return the instances that were live and have been stopped */
    public List<String> delete(String name) {
        if (apps.find(name).isEmpty()) {
            throw notFound(name);
        }
        List<Instance> all = instancesOf(name);
        List<String> stopped = new ArrayList<>();
        for (Instance instance : all) {
            if (!instance.state().isTerminal()) {
                instances.stop(instance.id());
                stopped.add(instance.id());
            }
        }
        QuarkusTransaction.requiringNew().run(() -> forget(name, all));
        deleted.fire(new AppDeleted(name, stopped));
        metrics.refresh(); // the app's instance gauges drop to 0 with its records
        sweeper.sweep();
        return stopped;
    }

    private void forget(String name, List<Instance> all) {
        Instant now = clock.instant();
        for (RevisionRepository.RevisionRow revision : revisions.all(name)) {
            garbage.add(StoreGarbage.Kind.bundle, revision.bundleDigest(), now);
            if (revision.imageDigest() != null) {
                garbage.add(StoreGarbage.Kind.image, revision.imageDigest(), now);
            }
        }
        for (Instance instance : all) {
            garbage.add(StoreGarbage.Kind.instance, instance.id(), now);
        }
        instanceRecords.deleteByApp(name);
        revisions.deleteAll(name);
        if (apps.delete(name) == 0) {
            throw notFound(name); // deleted by a concurrent request meanwhile: roll back, nothing to do
        }
    }

    private List<Instance> instancesOf(String name) {
        List<Instance> all = new ArrayList<>();
        String after = null;
        for (List<Instance> page = instances.list(name, null, PAGE); !page.isEmpty(); page = instances.list(name, after, PAGE)) {
            all.addAll(page);
            after = page.get(page.size() - 1).id();
        }
        return all;
    }

    private static ProblemException notFound(String name) {
        return ProblemException.notFound("app", "there is no app named \"" + name + "\"");
    }
}
