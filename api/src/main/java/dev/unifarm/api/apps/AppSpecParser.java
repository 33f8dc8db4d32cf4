package dev.unifarm.api.apps;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unifarm.api.farm.KernelProfiles;
import dev.unifarm.api.problem.JsonBody;
import dev.unifarm.api.problem.ProblemException;
import dev.unifarm.api.problem.StrictJson;
import dev.unifarm.imager.model.ImagerException;
import dev.unifarm.imager.model.RollForward;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Parses and checks an app spec, naming the field and the rule for anything wrong. The farm's one
 * parser (uploads, builds, reference runs, the operator) is this bean, over its configured kernel profiles.
 */
@Singleton
public final class AppSpecParser {

    static final String INVALID = "invalid-spec";
    /** Named {@code spec.<field>} in details, like the checks below; a spec that is not JSON is invalid-spec too. */
    private static final JsonBody SPEC = new JsonBody("spec", "spec.", INVALID, INVALID);
    private static final Set<String> RESTART_POLICIES = Set.of("Never", "OnFailure", "Always");
    private static final Pattern ENTRYPOINT = Pattern.compile("[A-Za-z0-9_.\\-]+\\.dll");
    /** An origin-form request target: starts with {@code /}, printable ASCII without spaces. */
    private static final Pattern READINESS_PATH = Pattern.compile("/[\\x21-\\x7e]{0,1023}");

    private final StrictJson json;
    /** The farm's configured kernel profile names ({@code unifarm.kernels.<name>}), sorted. */
    private final SortedSet<String> kernels;

    @Inject
    AppSpecParser(ObjectMapper json, KernelProfiles kernels) {
        this(json, kernels.names());
    }

    public AppSpecParser(ObjectMapper json, Set<String> kernels) {
        this.json = new StrictJson(json);
        this.kernels = new TreeSet<>(kernels);
    }

    public AppSpec parse(String text) {
        if (text == null || text.isBlank()) {
            return AppSpec.EMPTY;
        }
        AppSpec spec = json.read(text, AppSpec.class, SPEC);
        validate(spec == null ? AppSpec.EMPTY : spec);
        return spec == null ? AppSpec.EMPTY : spec;
    }

    public String write(AppSpec spec) {
        return json.write(spec);
    }

    void validate(AppSpec spec) {
        if (spec.entrypoint() != null && !ENTRYPOINT.matcher(spec.entrypoint()).matches()) {
            fail("spec.entrypoint must be an assembly file name such as \"shop.dll\"");
        }
        if (spec.memoryMiB() != null && (spec.memoryMiB() < 128 || spec.memoryMiB() > 65536)) {
            fail("spec.memoryMiB must be an integer from 128 to 65536");
        }
        if (spec.port() != null && (spec.port() < 1 || spec.port() > 65535)) {
            fail("spec.port must be a TCP port from 1 to 65535");
        }
        if (spec.kernel() != null && !kernels.contains(spec.kernel())) {
            fail("spec.kernel \"" + spec.kernel() + "\" is not a kernel profile of this farm; available: " + kernels);
        }
        if (spec.restartPolicy() != null && !RESTART_POLICIES.contains(spec.restartPolicy())) {
            fail("spec.restartPolicy must be one of Never, OnFailure, Always");
        }
        if (spec.rollForward() != null && RollForward.fromName(spec.rollForward()).isEmpty()) {
            fail("spec.rollForward \"" + spec.rollForward() + "\" is not a .NET roll-forward policy; use one of "
                    + String.join(", ", RollForward.names()));
        }
        if (spec.readinessPath() != null && !READINESS_PATH.matcher(spec.readinessPath()).matches()) {
            fail("spec.readinessPath must be a URL path such as \"/healthz\" (starts with /, no spaces, at most 1024 characters)");
        }
        if (spec.coverage() != null && spec.coverage().workload() != null) {
            validate(spec.coverage().workload(), spec.port() != null);
            try {
                spec.needsWorkload();
            } catch (ImagerException e) {
                fail("spec.coverage.workload: " + e.getMessage());
            }
        }
        if (spec.scaling() != null) {
            validate(spec.scaling());
            if (Boolean.TRUE.equals(spec.scaling().snapshot()) && spec.port() == null) {
                fail("spec.scaling.snapshot is for HTTP apps: set spec.port to the port the app listens on, or leave snapshot out");
            }
        }
    }

    /** Which fields fit the app: a server is judged by its answers, any other app by its exit and output. */
    private static void validate(AppSpec.WorkloadSpec workload, boolean server) {
        if (workload.requests() != null && workload.requests().contains(null)) {
            fail("spec.coverage.workload.requests must hold objects such as {\"path\": \"/hello\", \"status\": 200}, not null");
        }
        if (workload.output() != null && workload.output().contains(null)) {
            fail("spec.coverage.workload.output must hold the lines the app prints, not null");
        }
        if (!server && workload.requests() != null && !workload.requests().isEmpty()) {
            fail("spec.coverage.workload.requests is for apps with a port: set spec.port to the port the app listens on,"
                    + " or judge the app by exitCode and output");
        }
        if (workload.settle() != null) {
            try {
                Duration.parse(workload.settle());
            } catch (DateTimeParseException e) {
                fail("spec.coverage.workload.settle must be an ISO-8601 duration such as \"PT3S\"");
            }
        }
        if (server && (workload.exitCode() != null || workload.output() != null || workload.settle() != null)) {
            fail("spec.coverage.workload.exitCode, output and settle are for apps without a port (an app with spec.port is judged by"
                    + " its answers): use requests, e.g. [{\"path\": \"/\", \"status\": 200}]");
        }
    }

    private static void validate(AppSpec.Scaling scaling) {
        if (scaling.minInstances() != null && scaling.minInstances() < 0) {
            fail("spec.scaling.minInstances must be 0 or more");
        }
        if (scaling.maxInstances() != null && scaling.maxInstances() < 1) {
            fail("spec.scaling.maxInstances must be 1 or more");
        }
        if (scaling.minInstances() != null && scaling.maxInstances() != null && scaling.minInstances() > scaling.maxInstances()) {
            fail("spec.scaling.minInstances must not exceed maxInstances");
        }
        if (scaling.maxConcurrency() != null && scaling.maxConcurrency() < 1) {
            fail("spec.scaling.maxConcurrency must be 1 or more");
        }
        if (scaling.idleTimeout() != null) {
            try {
                if (Duration.parse(scaling.idleTimeout()).isNegative()) {
                    fail("spec.scaling.idleTimeout must not be negative");
                }
            } catch (DateTimeParseException e) {
                fail("spec.scaling.idleTimeout must be an ISO-8601 duration such as \"PT30S\"");
            }
        }
    }

    private static void fail(String detail) {
        throw ProblemException.badRequest(INVALID, detail);
    }
}
