package dev.unifarm.scheduler.qmp;

import java.util.List;

/**
 * Names a run that ended without the app's exit on the console by what QMP saw the guest do: a
 * guest that panicked, reset (Linux's {@code panic=-1} reboots, which {@code -no-reboot} turns into
 * QEMU's exit) or shut down by itself is told apart from a QEMU that just went (killed, crashed).
 */
public final class GuestEnd {

    private GuestEnd() {
    }

    /** {@code GuestPanicked}, {@code GuestReset}, {@code GuestShutdown}, or {@code VmExited} when the guest said nothing. */
    public static String reason(List<String> guestEvents) {
        if (guestEvents.stream().anyMatch(e -> e.startsWith("GUEST_PANICKED"))) {
            return "GuestPanicked";
        }
        if (guestEvents.stream().anyMatch(e -> e.startsWith("SHUTDOWN(guest-reset") || e.startsWith("RESET"))) {
            return "GuestReset";
        }
        if (guestEvents.stream().anyMatch(e -> e.startsWith("SHUTDOWN"))) {
            return "GuestShutdown";
        }
        return "VmExited";
    }
}
