package dev.unifarm.scheduler.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One QMP event as QEMU sends it ({@code {"event": "SHUTDOWN", "data": {"guest": true, "reason":
 * "guest-shutdown"}, "timestamp": {...}}}), read with Jackson.
 *
 * @param name    {@code SHUTDOWN}, {@code POWERDOWN}, {@code RESET}, {@code STOP}, {@code GUEST_PANICKED}…
 * @param guest   {@code data.guest}: the guest asked for it (not QMP, not a signal to QEMU)
 * @param reason  {@code data.reason} ({@code guest-shutdown}, {@code guest-reset}, {@code host-qmp-quit}…), or null
 * @param at      QEMU's timestamp
 */
public record QmpEvent(String name, boolean guest, String reason, Instant at) {

    public static QmpEvent of(JsonNode message) {
        JsonNode data = message.path("data");
        JsonNode time = message.path("timestamp");
        Instant at = Instant.ofEpochSecond(time.path("seconds").asLong(), time.path("microseconds").asLong() * 1000);
        JsonNode reason = data.path("reason");
        return new QmpEvent(message.path("event").asText(), data.path("guest").asBoolean(false),
                reason.isTextual() ? reason.asText() : null, at);
    }

    /** The guest itself shut down, reset or panicked: what the console may not have said. */
    boolean guestInitiated() {
        return name.equals("GUEST_PANICKED") || guest && (name.equals("SHUTDOWN") || name.equals("RESET"));
    }

    /** {@code SHUTDOWN(guest-shutdown)}, {@code POWERDOWN}: as stop messages list them. */
    public String describe() {
        return reason == null ? name : name + "(" + reason + ")";
    }
}
