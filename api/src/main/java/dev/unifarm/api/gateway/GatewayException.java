package dev.unifarm.api.gateway;

import dev.unifarm.api.instances.Instance;
import dev.unifarm.api.problem.Problem;

/** A request the gateway cannot proxy, answered as problem+json. */
final class GatewayException extends RuntimeException {

    private final transient Problem problem;

    GatewayException(int status, String kind, String title, String detail) {
        super(detail, null, false, false);
        this.problem = Problem.of(status, kind, title, detail);
    }

    static GatewayException unknownApp(String app) {
        return new GatewayException(404, "app-not-found", "Not found", "there is no app \"" + app
                + "\": the gateway serves /{app}/… for apps uploaded to POST /api/v1/apps");
    }

    /** {@code evidence}: what the instance booting for the request shows ({@link InstanceControl#notReady}), or null. */
    static GatewayException timeout(String app, java.time.Duration waited, String evidence) {
        return new GatewayException(504, "activation-timeout", "Activation timed out", "no instance of " + app
                + " became ready within " + waited + " (unifarm.gateway.activation-timeout)"
                + (evidence == null ? "; see GET /api/v1/instances?app=" + app : ": " + evidence));
    }

    static GatewayException bootFailed(String app, String detail) {
        return new GatewayException(502, "activation-failed", "Instance failed to boot", detail);
    }

    /** Instance {@code id} ended (its record {@code status}) before its app accepted requests on its port. */
    static GatewayException endedBeforeReady(String app, String id, Instance status) {
        return bootFailed(app, "instance " + id + " of " + app + " ended " + status.state() + describe(status)
                + " before it accepted requests on its port");
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

    Problem problem() {
        return problem;
    }
}
