package dev.unifarm.api.operator;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/** The status' conditions, written as the Kubernetes API conventions ask: the transition time moves only when the status flips. */
final class Conditions {

    static final String IMAGE_READY = "ImageReady";
    static final String READY = "Ready";

    private Conditions() {
    }

    static Optional<Condition> find(DotnetAppStatus status, String type) {
        return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    static boolean isTrue(DotnetAppStatus status, String type) {
        return find(status, type).map(c -> "True".equals(c.getStatus())).orElse(false);
    }

    static String reason(DotnetAppStatus status, String type) {
        return find(status, type).map(Condition::getReason).orElse(null);
    }

    /** @return whether the condition's status or reason changed (worth an Event) */
    static boolean set(DotnetAppStatus status, String type, boolean value, String reason, String message, long generation,
            Clock clock) {
        String text = value ? "True" : "False";
        Optional<Condition> old = find(status, type);
        boolean flipped = old.map(c -> !text.equals(c.getStatus())).orElse(true);
        boolean changed = flipped || !reason.equals(old.get().getReason());
        String since = flipped ? Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString() : old.get().getLastTransitionTime();
        Condition condition = new ConditionBuilder().withType(type).withStatus(text).withReason(reason)
                .withMessage(message).withLastTransitionTime(since).withObservedGeneration(generation).build();
        status.getConditions().removeIf(c -> type.equals(c.getType()));
        status.getConditions().add(condition);
        status.getConditions().sort((a, b) -> order(a.getType()) - order(b.getType()));
        return changed;
    }

    private static int order(String type) {
        return IMAGE_READY.equals(type) ? 0 : READY.equals(type) ? 1 : 2;
    }
}
