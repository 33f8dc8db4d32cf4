package dev.unifarm.api.operator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unifarm.api.apps.App;
import dev.unifarm.api.apps.AppNames;
import dev.unifarm.api.apps.AppService;
import dev.unifarm.api.apps.AppSpec;
import dev.unifarm.api.apps.AppSpecParser;
import dev.unifarm.api.apps.Revision;
import dev.unifarm.api.front.AppDeletion;
import dev.unifarm.api.problem.ProblemException;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Reconciles a DotnetApp with the farm app {@code <namespace>-<name>}: a new generation fetches the
 * bundle and makes a revision through {@link AppService} (the REST API's path, so the same checks apply);
 * then the revision's build is followed ({@code ImageReady}) and the instances the gateway keeps warm
 * for {@code minInstances} are counted ({@code Ready}). Deletion (the finalizer JOSDK adds for a
 * {@link Cleaner}) stops the instances and removes the app through {@link AppDeletion}.
 */
final class DotnetAppReconciler implements Reconciler<DotnetApp>, Cleaner<DotnetApp> {

    private static final Logger LOG = Logger.getLogger(DotnetAppReconciler.class);
    /** A registry or server that did not answer may answer later; other source errors wait for a spec change. */
    private static final Duration FETCH_RETRY = Duration.ofSeconds(30);

    private final AppService apps;
    private final AppDeletion deletion;
    private final BundleFetcher fetcher;
    private final AppSpecParser specs;
    private final ObjectMapper json;
    private final OperatorEvents events;
    private final InstanceCounter counter;
    private final Duration resync;
    private final Clock clock;

    DotnetAppReconciler(AppService apps, AppDeletion deletion, BundleFetcher fetcher, AppSpecParser specs, ObjectMapper json,
            OperatorEvents events, InstanceCounter counter, Duration resync, Clock clock) {
        this.apps = apps;
        this.deletion = deletion;
        this.fetcher = fetcher;
        this.specs = specs;
        this.json = json;
        this.events = events;
        this.counter = counter;
        this.resync = resync;
        this.clock = clock;
    }

    @Override
    public UpdateControl<DotnetApp> reconcile(DotnetApp resource, Context<DotnetApp> context) {
        DotnetAppStatus status = resource.getStatus() != null ? resource.getStatus() : new DotnetAppStatus();
        resource.setStatus(status);
        long generation = Optional.ofNullable(resource.getMetadata().getGeneration()).orElse(1L);
        String app = resource.farmAppName();
        status.setApp(app);
        status.setUrl(counter.url(app));
        if (needsRevision(status, generation, app)) {
            try {
                makeRevision(resource, status, generation, app);
            } catch (SourceException e) {
                fail(resource, status, generation, e.reason(), e.getMessage());
                UpdateControl<DotnetApp> update = UpdateControl.patchStatus(resource);
                return SourceException.FETCH_FAILED.equals(e.reason()) ? update.rescheduleAfter(FETCH_RETRY) : update;
            } catch (ProblemException e) {
                fail(resource, status, generation, reasonFor(e), e.getMessage());
                return UpdateControl.patchStatus(resource);
            }
        }
        Revision revision;
        try {
            revision = apps.revision(app, status.getRevision());
        } catch (ProblemException e) {
            // The app was removed behind the operator's back (e.g. DELETE over REST): make it again.
            status.setRevision(null);
            return UpdateControl.patchStatus(resource).rescheduleAfter(Duration.ofSeconds(1));
        }
        return switch (revision.state()) {
            case Pending, Building -> {
                Conditions.set(status, Conditions.IMAGE_READY, false, "Building", "building revision " + revision.number(),
                        generation, clock);
                status.setPhase("Building");
                yield UpdateControl.patchStatus(resource).rescheduleAfter(resync);
            }
            case Failed -> {
                fail(resource, status, generation, "BuildFailed", "revision " + revision.number() + " failed to build: "
                        + revision.message());
                yield UpdateControl.patchStatus(resource);
            }
            case Ready -> {
                imageReady(resource, status, generation, revision);
                yield UpdateControl.patchStatus(resource).rescheduleAfter(resync);
            }
        };
    }

    private static boolean needsRevision(DotnetAppStatus status, long generation, String app) {
        return status.getRevision() == null || status.getObservedGeneration() == null
                || status.getObservedGeneration() != generation
                || SourceException.FETCH_FAILED.equals(Conditions.reason(status, Conditions.IMAGE_READY));
    }

    /** Fetches the bundle and records a revision: a new bundle is an upload, the same bundle with other settings a spec update. */
    private void makeRevision(DotnetApp resource, DotnetAppStatus status, long generation, String app) {
        AppNames.check(app);
        String specJson = checkedSpec(resource.getSpec());
        DotnetAppSource source = resource.getSpec() == null ? null : resource.getSpec().getSource();
        BundleFetcher.check(source);
        status.setPhase("Fetching");
        boolean exists = exists(app);
        try (FetchedBundle bundle = fetcher.fetch(source)) {
            events.normal(resource, "Fetched", "bundle " + bundle.digest() + " from " + describe(source));
            int number;
            if (!exists || !bundle.digest().equals(status.getSourceDigest())) {
                number = apps.upload(app, bundle.file(), specJson).latestRevision();
            } else {
                number = apps.updateSpec(app, specJson).app().latestRevision();
            }
            if (!Integer.valueOf(number).equals(status.getRevision())) {
                events.normal(resource, "BuildStarted", "building revision " + number + " of farm app " + app);
            }
            status.setRevision(number);
            status.setSourceDigest(bundle.digest());
            status.setImageDigest(null);
            status.setObservedGeneration(generation);
        }
    }

    private String checkedSpec(DotnetAppSpec spec) {
        AppSpec settings = spec == null ? AppSpec.EMPTY : spec.toAppSpec();
        try {
            return specs.write(specs.parse(json.writeValueAsString(settings)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a spec always serializes", e);
        }
    }

    private boolean exists(String app) {
        try {
            apps.get(app);
            return true;
        } catch (ProblemException e) {
            if (e.status() == 404) {
                return false;
            }
            throw e;
        }
    }

    private void imageReady(DotnetApp resource, DotnetAppStatus status, long generation, Revision revision) {
        status.setImageDigest(revision.imageDigest());
        if (Conditions.set(status, Conditions.IMAGE_READY, true, "Built", "revision " + revision.number() + " built: "
                + revision.imageDigest(), generation, clock)) {
            events.normal(resource, "ImageReady", "revision " + revision.number() + " built: " + revision.imageDigest());
        }
        App app = apps.get(revision.app());
        InstanceCounter.Rollout counts = counter.rollOut(revision.app(), revision.number());
        if (!counts.stopped().isEmpty()) {
            events.normal(resource, "RolledOut", "stopped " + counts.stopped() + " of older revisions; revision "
                    + revision.number() + " takes over");
        }
        status.setReadyInstances(counts.ready());
        status.setInstances(counts.live());
        status.setReady(counts.ready() + "/" + counts.live());
        status.setCoverage(counter.coverage(revision.app(), app.spec().kernel()));
        int wanted = app.spec().scaling() == null || app.spec().scaling().minInstances() == null ? 0
                : app.spec().scaling().minInstances();
        boolean ready;
        String reason;
        String message;
        if (wanted > 0 && app.spec().port() == null) {
            ready = false;
            reason = "PortMissing";
            message = "spec.scaling.minInstances keeps instances warm for the gateway, which needs spec.port: set the port "
                    + "the app listens on";
        } else if (counts.ready() >= wanted) {
            ready = true;
            reason = wanted > 0 ? "InstancesReady" : "OnDemand";
            message = wanted > 0 ? counts.ready() + " of " + wanted + " warm instances ready"
                    : "no instance kept warm (minInstances 0): the first request to " + status.getUrl() + " boots one";
        } else {
            ready = false;
            reason = "Starting";
            message = counts.ready() + " of " + wanted + " warm instances ready";
        }
        if (Conditions.set(status, Conditions.READY, ready, reason, message, generation, clock)) {
            if (ready) {
                events.normal(resource, "Ready", message);
            } else if (!"Starting".equals(reason)) {
                events.warning(resource, reason, message);
            }
        }
        status.setPhase(ready ? "Running" : "Starting");
    }

    private void fail(DotnetApp resource, DotnetAppStatus status, long generation, String reason, String message) {
        status.setObservedGeneration(generation);
        status.setPhase("Failed");
        boolean changed = Conditions.set(status, Conditions.IMAGE_READY, false, reason, message, generation, clock);
        Conditions.set(status, Conditions.READY, false, reason, "no usable image: " + message, generation, clock);
        if (changed) {
            events.warning(resource, reason, message);
        }
        LOG.infof("%s/%s: %s: %s", resource.getMetadata().getNamespace(), resource.getMetadata().getName(), reason, message);
    }

    private static String reasonFor(ProblemException e) {
        return switch (e.type()) {
            case "invalid-spec" -> "SpecInvalid";
            case "invalid-name" -> "NameInvalid";
            default -> "BundleInvalid";
        };
    }

    private static String describe(DotnetAppSource source) {
        return source.getOci() != null ? source.getOci() : source.getUrl();
    }

    @Override
    public ErrorStatusUpdateControl<DotnetApp> updateErrorStatus(DotnetApp resource, Context<DotnetApp> context, Exception e) {
        DotnetAppStatus status = resource.getStatus() != null ? resource.getStatus() : new DotnetAppStatus();
        resource.setStatus(status);
        long generation = Optional.ofNullable(resource.getMetadata().getGeneration()).orElse(1L);
        Conditions.set(status, Conditions.READY, false, "ReconcileError", String.valueOf(e.getMessage()), generation, clock);
        return ErrorStatusUpdateControl.patchStatus(resource);
    }

    @Override
    public DeleteControl cleanup(DotnetApp resource, Context<DotnetApp> context) {
        String app = resource.farmAppName();
        try {
            List<String> stopped = deletion.delete(app);
            events.normal(resource, "Deleted", "farm app " + app + " removed" + (stopped.isEmpty() ? "" : ", stopped " + stopped));
        } catch (ProblemException e) {
            if (e.status() != 404) {
                throw e;
            }
        }
        return DeleteControl.defaultDelete();
    }
}
