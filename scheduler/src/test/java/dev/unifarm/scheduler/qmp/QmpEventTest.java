package dev.unifarm.scheduler.qmp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class QmpEventTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void testOf_guestShutdownWithReasonAndTimestamp() throws Exception {
        QmpEvent event = QmpEvent.of(JSON.readTree("{\"timestamp\": {\"seconds\": 1795739995, \"microseconds\": 508080},"
                + " \"event\": \"SHUTDOWN\", \"data\": {\"guest\": true, \"reason\": \"guest-shutdown\"}}"));

        assertThat(event).isEqualTo(new QmpEvent("SHUTDOWN", true, "guest-shutdown", Instant.ofEpochSecond(1795739995, 508080000)));
        assertThat(event.guestInitiated()).isTrue();
        assertThat(event.describe()).isEqualTo("SHUTDOWN(guest-shutdown)");
    }

    @Test
    void testGuestInitiated_hostQuitAndPowerdownAreNot() throws Exception {
        QmpEvent quit = QmpEvent.of(JSON.readTree("{\"event\": \"SHUTDOWN\", \"data\": {\"guest\": false, \"reason\": \"host-qmp-quit\"}}"));
        QmpEvent powerdown = QmpEvent.of(JSON.readTree("{\"event\": \"POWERDOWN\"}"));
        QmpEvent panic = QmpEvent.of(JSON.readTree("{\"event\": \"GUEST_PANICKED\", \"data\": {\"action\": \"pause\"}}"));

        assertThat(quit.guestInitiated()).isFalse();
        assertThat(powerdown.guestInitiated()).isFalse();
        assertThat(powerdown.describe()).isEqualTo("POWERDOWN");
        assertThat(panic.guestInitiated()).isTrue();
    }

    @Test
    void testGuestEndReason_namesWhatTheGuestDid() {
        assertThat(GuestEnd.reason(List.of())).isEqualTo("VmExited");
        assertThat(GuestEnd.reason(List.of("SHUTDOWN(guest-shutdown)"))).isEqualTo("GuestShutdown");
        assertThat(GuestEnd.reason(List.of("SHUTDOWN(guest-reset)"))).isEqualTo("GuestReset");
        assertThat(GuestEnd.reason(List.of("GUEST_PANICKED", "SHUTDOWN(guest-panic)"))).isEqualTo("GuestPanicked");
    }
}
