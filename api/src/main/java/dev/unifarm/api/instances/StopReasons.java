package dev.unifarm.api.instances;

import dev.unifarm.scheduler.InstanceState;
import dev.unifarm.scheduler.InstanceStatus;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Why the farm itself stopped an instance (the gateway: idle, not ready in time). The scheduler only
 * knows that a stop was asked for ({@code "stopped on request: …"}); its end is recorded with the why
 * in place of "stopped on request", so the record says it at once.
 */
@ApplicationScoped
class StopReasons {

    private static final String ON_REQUEST = "stopped on request";

    private final Map<String, String> why = new ConcurrentHashMap<>();

    /** {@code text} such as {@code "stopped: idle for PT30S (scaling.idleTimeout)"}. */
    void put(String id, String text) {
        why.put(id, text);
    }

    void forget(String id) {
        why.remove(id);
    }

    /** The status with the why in its message when it is the end of a stop asked for with one. */
    InstanceStatus explain(InstanceStatus status) {
        if (!status.state().isTerminal()) {
            return status;
        }
        String text = why.remove(status.id());
        String message = status.message();
        if (text == null || status.state() != InstanceState.Stopped || message == null || !message.startsWith(ON_REQUEST)) {
            return status;
        }
        return status.finished(InstanceState.Stopped, status.exitCode(), status.reason(),
                text + message.substring(ON_REQUEST.length()), status.finishedAt());
    }
}
