package dev.unifarm.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
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
        GONE,
        /** The guest powered off after ACPI power-button. */
        POWERDOWN,
        /** QEMU quit on the QMP command. */
        QUIT,
        /** QEMU was killed. */
        KILL
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
    private final Consumer<JsonNode> eventLog;
    private final List<String> steps = Collections.synchronizedList(new ArrayList<>());
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());

    StopSequence(String id, ProcessHandle process, Path qmpSocket, Lifecycle timing, Consumer<JsonNode> eventLog) {
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
        try (QmpClient qmp = QmpClient.connect(qmpSocket, this::onEvent, timing.qmpTimeout())) {
            if (command(qmp, "system_powerdown") && exitedWithin(timing.powerdownWait())) {
                return outcome(Step.POWERDOWN);
            }
            if (command(qmp, "quit") && exitedWithin(timing.quitWait())) {
                return outcome(Step.QUIT);
            }
        } catch (IOException e) {
            record("QMP unusable: " + e.getMessage());
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

    private void onEvent(JsonNode event) {
        String name = event.path("event").asText();
        JsonNode reason = event.path("data").path("reason");
        events.add(reason.isMissingNode() ? name : name + "(" + reason.asText() + ")");
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
