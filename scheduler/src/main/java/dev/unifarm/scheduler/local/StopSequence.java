package dev.unifarm.scheduler.local;

import dev.unifarm.scheduler.Lifecycle;
import dev.unifarm.scheduler.qmp.QmpClient;
import dev.unifarm.scheduler.qmp.QmpEvent;
import dev.unifarm.scheduler.qmp.QmpMonitor;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Graceful stop, one step after the other until QEMU is gone: QMP {@code system_powerdown} and wait
 * {@code powerdownWait}; QMP {@code quit} and wait {@code quitWait}; kill. A step that cannot be taken
 * (QMP unusable) is recorded and the next one follows. Every step and every QMP event seen meanwhile
 * is recorded in the {@link Outcome}. QEMU is known by its {@link ProcessHandle} (pid), so this works
 * for a QEMU this farm started and for one it adopted; liveness is {@link Adoption#running} (a zombie
 * counts as gone) and waits poll.
 */
final class StopSequence {

    private static final Logger LOG = Logger.getLogger(StopSequence.class);

    /** The step after which QEMU was gone. */
    enum Step {
        /** QEMU had already exited. */
        GONE("Stopped"),
        /** The guest powered off after ACPI power-button. */
        POWERDOWN("PoweredDown"),
        /** QEMU quit on the QMP command. */
        QUIT("Quit"),
        /** QEMU was killed. */
        KILL("Killed");

        /** The instance's {@code Stopped} reason when this step ended it. */
        final String reason;

        Step(String reason) {
            this.reason = reason;
        }
    }

    record Outcome(Step endedBy, List<String> steps, List<String> events) {
        String describe() {
            return "ended by " + endedBy.name().toLowerCase() + " (" + String.join("; ", steps) + ")"
                    + (events.isEmpty() ? "" : "; QMP events: " + String.join(", ", events));
        }
    }

    private final String id;
    private final ProcessHandle process;
    private final Path qmpSocket;
    private final Lifecycle timing;
    private final Consumer<QmpEvent> eventLog;
    private final QmpMonitor monitor;
    private final List<String> steps = Collections.synchronizedList(new ArrayList<>());
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());

    StopSequence(String id, ProcessHandle process, Path qmpSocket, Lifecycle timing, Consumer<QmpEvent> eventLog) {
        this(id, process, qmpSocket, timing, eventLog, null);
    }

    /** With {@code monitor} (or null): its open connection is used, as QEMU serves one QMP client at a time. */
    StopSequence(String id, ProcessHandle process, Path qmpSocket, Lifecycle timing, Consumer<QmpEvent> eventLog,
            QmpMonitor monitor) {
        this.monitor = monitor;
        this.id = id;
        this.process = process;
        this.qmpSocket = qmpSocket;
        this.timing = timing;
        this.eventLog = eventLog;
    }

    Outcome run() {
        if (!Adoption.running(process)) {
            return outcome(Step.GONE);
        }
        QmpClient shared = monitor != null ? monitor.client().orElse(null) : null;
        if (shared != null) {
            monitor.listen(this::onEvent);
            try {
                Step ended = gracefulSteps(shared);
                if (ended != null) {
                    return outcome(ended);
                }
            } finally {
                monitor.listen(null);
            }
        } else {
            try (QmpClient qmp = QmpClient.connect(qmpSocket, message -> onEvent(QmpEvent.of(message)), timing.qmpTimeout())) {
                Step ended = gracefulSteps(qmp);
                if (ended != null) {
                    return outcome(ended);
                }
            } catch (IOException e) {
                record("QMP unusable: " + e.getMessage());
            }
        }
        if (!Adoption.running(process)) {
            // it went while we were finding out that QMP does not answer
            return outcome(Step.QUIT);
        }
        process.destroyForcibly();
        record("killed");
        exitedWithin(timing.quitWait());
        return outcome(Step.KILL);
    }

    /** Powerdown, then quit: the step after which QEMU was gone, or null (kill it). */
    private Step gracefulSteps(QmpClient qmp) {
        if (command(qmp, "system_powerdown") && exitedWithin(timing.powerdownWait())) {
            return Step.POWERDOWN;
        }
        if (command(qmp, "quit") && exitedWithin(timing.quitWait())) {
            return Step.QUIT;
        }
        return null;
    }

    /** Sends a command; false (recorded) when QEMU did not accept it. */
    private boolean command(QmpClient qmp, String command) {
        try {
            qmp.execute(command);
            record(command + " sent");
            return true;
        } catch (IOException e) {
            record(command + " failed: " + e.getMessage());
            return false;
        }
    }

    private boolean exitedWithin(Duration wait) {
        if (Adoption.awaitGone(process, wait)) {
            return true;
        }
        record("still running after " + wait);
        return false;
    }

    private void onEvent(QmpEvent event) {
        events.add(event.describe());
        eventLog.accept(event);
    }

    private void record(String step) {
        LOG.infof("stop %s: %s", id, step);
        steps.add(step);
    }

    private Outcome outcome(Step endedBy) {
        Outcome outcome = new Outcome(endedBy, List.copyOf(steps), List.copyOf(events));
        LOG.infof("stop %s: %s", id, outcome.describe());
        return outcome;
    }
}
