package dev.unifarm.api.apps;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unifarm.api.backpressure.UploadSizeLimit;
import dev.unifarm.api.config.UnifarmConfig;
import dev.unifarm.api.db.Jdbc;
import dev.unifarm.api.farm.FarmDirs;
import dev.unifarm.api.farm.KernelPresence;
import dev.unifarm.api.farm.KernelProfiles;
import dev.unifarm.api.problem.ProblemException;
import dev.unifarm.api.store.StoreGuard;
import dev.unifarm.imager.Bundles;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** Apps and their revisions: upload (validate, store, record, queue the build) and reads. */
@ApplicationScoped
public class AppService {

    private final AppRepository apps;
    private final RevisionRepository revisions;
    /** The build queue observes it: a recorded revision is queued for its build. */
    private final Event<RevisionRecorded> recorded;
    private final Bundles bundles;
    private final FarmDirs dirs;
    private final AppSpecParser specs;
    private final ObjectMapper json;
    private final StoreGuard guard;
    private final KernelProfiles kernels;
    private final long maxUploadBytes;
    private final Clock clock = Clock.systemUTC();

    AppService(AppRepository apps, RevisionRepository revisions, Event<RevisionRecorded> recorded, Bundles bundles,
            FarmDirs dirs, ObjectMapper json, UnifarmConfig config, KernelProfiles kernels, AppSpecParser specs, StoreGuard guard) {
        this.guard = guard;
        this.apps = apps;
        this.revisions = revisions;
        this.recorded = recorded;
        this.bundles = bundles;
        this.dirs = dirs;
        this.specs = specs;
        this.kernels = kernels;
        this.json = json;
        this.maxUploadBytes = config.builds().maxUploadBytes();
    }

    /** A profile whose kernel file is missing would only fail the build later: say now how to configure it. */
    private void requireKernel(AppSpec spec) {
        kernels.get(spec.kernel() != null ? spec.kernel() : KernelProfiles.DEFAULT).map(KernelPresence::of)
                .filter(presence -> !presence.present())
                .ifPresent(presence -> {
                    throw ProblemException.badRequest("kernel-missing", presence.detail());
                });
    }

    /**
     * Accepts an upload: a new app, or a new revision of an existing one. Everything is checked
     * before anything is recorded, so a refused upload leaves no trace.
     *
     * @param specJson the spec part, or null to keep the app's current spec
     */
    public App upload(String name, Path bundle, String specJson) {
        AppNames.check(name);
        if (bundle == null) {
            throw ProblemException.badRequest("invalid-bundle",
                    "the form field \"bundle\" is required: a .zip or .tar.gz of the dotnet publish output");
        }
        checkUploadSize(bundle);
        Optional<AppRepository.AppRow> existing = apps.find(name);
        AppSpec spec = specJson != null ? specs.parse(specJson)
                : existing.map(row -> specs.parse(row.specJson())).orElse(AppSpec.EMPTY);
        requireKernel(spec);
        String storedSpec = specs.write(spec);
        Path checked = checkBundle(bundle, spec);
        // Held from storing the bundle to recording its revision, so a deletion's sweep cannot take the blob in between.
        recordAndQueue(name, checked, () -> guard.whileStoring(() -> recordRevisionRetrying(name, storedSpec, bundles.store(bundle))));
        return get(name);
    }

    /**
     * Replaces the app's spec. A different spec makes a new revision, built from the latest
     * revision's bundle (kept in the store by digest); the same spec changes nothing.
     *
     * @return the app, and whether a new revision was made
     */
    public SpecUpdate updateSpec(String name, String specJson) {
        AppRepository.AppRow current = apps.find(name)
                .orElseThrow(() -> ProblemException.notFound("app", "there is no app named \"" + name + "\""));
        if (specJson == null || specJson.isBlank()) {
            throw ProblemException.badRequest(AppSpecParser.INVALID, "the body must be an app spec as JSON, e.g. {\"memoryMiB\": 256}; "
                    + "send {} to clear every field");
        }
        AppSpec spec = specs.parse(specJson);
        String storedSpec = specs.write(spec);
        if (storedSpec.equals(specs.write(specs.parse(current.specJson())))) {
            return new SpecUpdate(toApp(current), false);
        }
        requireKernel(spec);
        RevisionRepository.RevisionRow latest = revisions.find(name, current.latestRevision()).orElseThrow();
        Path bundle = bundles.stored(latest.bundleDigest()).orElseThrow(() -> ProblemException.conflict("bundle-missing",
                "the bundle " + latest.bundleDigest() + " of revision " + latest.number()
                        + " is no longer in the store: upload the app again with the new spec"));
        Path checked = checkBundle(bundle, spec);
        recordAndQueue(name, checked, () -> guard.whileStoring(() -> QuarkusTransaction.requiringNew().call(() -> {
            if (!apps.bumpRevision(name, storedSpec)) {
                throw ProblemException.notFound("app", "there is no app named \"" + name + "\" (it was deleted meanwhile)");
            }
            int claimed = apps.find(name).orElseThrow().latestRevision();
            revisions.insert(name, claimed, latest.bundleDigest(), storedSpec, clock.instant());
            return claimed;
        })));
        return new SpecUpdate(get(name), true);
    }

    /**
     * Records a revision ({@code recording} returns its number) and queues its build, handing it the bundle
     * {@code checked} unpacked so the build does not unpack it again; deleted here when no build gets it.
     */
    private void recordAndQueue(String name, Path checked, Supplier<Integer> recording) {
        boolean handedOver = false;
        try {
            recorded.fire(new RevisionRecorded(name, recording.get(), checked));
            handedOver = true;
        } finally {
            if (!handedOver) {
                FarmDirs.deleteTree(checked);
            }
        }
    }

    /** The outcome of {@link #updateSpec}. */
    public record SpecUpdate(App app, boolean newRevision) {
    }

    /** A chunked upload has no Content-Length for {@link UploadSizeLimit} to check: its spooled size is checked here. */
    private void checkUploadSize(Path bundle) {
        try {
            long size = Files.size(bundle);
            if (size > maxUploadBytes) {
                throw ProblemException.tooLarge(UploadSizeLimit.TYPE,
                        UploadSizeLimit.detail("the uploaded bundle", size, maxUploadBytes));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Unpacks and checks the bundle in a scratch dir the caller then owns; a refused bundle leaves none. */
    private Path checkBundle(Path bundle, AppSpec spec) {
        Path scratch = dirs.newWorkDir("check-");
        try {
            bundles.check(bundle, Optional.ofNullable(spec.entrypoint()), scratch);
            return scratch;
        } catch (RuntimeException | Error e) {
            FarmDirs.deleteTree(scratch);
            throw e;
        }
    }

    /** Two first uploads of one name race on the insert; the loser retries as the next revision. */
    private int recordRevisionRetrying(String name, String specJson, String bundleDigest) {
        for (int attempt = 1; ; attempt++) {
            try {
                return QuarkusTransaction.requiringNew().call(() -> recordRevision(name, specJson, bundleDigest));
            } catch (Jdbc.DatabaseException e) {
                if (!e.isConstraintViolation() || attempt == 3) {
                    throw e;
                }
            }
        }
    }

    private int recordRevision(String name, String specJson, String bundleDigest) {
        var now = clock.instant();
        if (!apps.bumpRevision(name, specJson)) {
            apps.insert(name, specJson, now);
        }
        int number = apps.find(name).orElseThrow().latestRevision();
        revisions.insert(name, number, bundleDigest, specJson, now);
        return number;
    }

    public App get(String name) {
        return apps.find(name).map(this::toApp)
                .orElseThrow(() -> ProblemException.notFound("app", "there is no app named \"" + name + "\""));
    }

    public List<App> list(String after, int limit) {
        return apps.list(after == null ? "" : after, limit).stream().map(this::toApp).toList();
    }

    public Revision revision(String name, int number) {
        get(name);
        return revisions.find(name, number).map(this::toRevision)
                .orElseThrow(() -> ProblemException.notFound("revision", "app \"" + name + "\" has no revision " + number));
    }

    /** Oldest first, after revision {@code after} (0: from the first). */
    public List<Revision> revisions(String name, int after, int limit) {
        get(name);
        return revisions.list(name, after, limit).stream().map(this::toRevision).toList();
    }

    private App toApp(AppRepository.AppRow row) {
        return new App(row.name(), specs.parse(row.specJson()), row.latestRevision(), row.createdAt());
    }

    private Revision toRevision(RevisionRepository.RevisionRow row) {
        return new Revision(row.app(), row.number(), row.state(), row.imageDigest(), row.ociDigest(), row.ociReference(),
                row.message(), sizes(row.sizesJson()),
                row.createdAt(), row.buildLog());
    }

    private Map<String, Long> sizes(String sizesJson) {
        if (sizesJson == null) {
            return null;
        }
        try {
            return json.readValue(sizesJson, new TypeReference<Map<String, Long>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored sizes are always JSON", e);
        }
    }
}
