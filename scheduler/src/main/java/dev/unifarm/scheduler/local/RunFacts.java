package dev.unifarm.scheduler.local;

import dev.unifarm.scheduler.Accelerator;
import dev.unifarm.scheduler.Confinement;
import dev.unifarm.scheduler.console.LinuxConsoleProtocol;
import dev.unifarm.scheduler.diagnosis.Diagnosis;
import dev.unifarm.scheduler.qmp.GuestEnd;
import dev.unifarm.scheduler.qmp.QemuGaveUp;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What one QEMU run gathered by the time QEMU was gone: all {@link RunEnd} needs to say how it
 * ended. Nullable components are null when that did not happen.
 *
 * @param waitStatus the app's end line as a wait status (null: no end on the console)
 * @param stopRequested a stop was asked for (a request or the farm shutting down)
 * @param stoppedBy how a Stopped end's message starts
 * @param stopOutcome the stop sequence's report (null: none ran, or it did not report in time)
 * @param hungLine the fatal line after which the watchdog had to stop the VM
 * @param watchdogGrace how long the VM had to end after such a line
 * @param bootTimeout what the boot bound's expiry says (null: it did not expire)
 * @param gaveUp QEMU stopped the guest for good and was stopped for it
 * @param accel what QEMU ran under
 * @param qemuLog QEMU's log, leniently decoded (read only when the app's end is not on the console)
 * @param qemuLogTail QEMU's last log lines, as a failure message quotes them
 * @param lastLine the last console line of any kind
 * @param memoryCapHit the instance's cgroup's OOM killer ended QEMU
 * @param confinement what QEMU ran under (null: never contained)
 * @param diagnosis the console's diagnosis
 * @param appLines the app's last lines
 * @param qemuExit how QEMU exited ("QEMU exited with code 1", or an adopted one's pid)
 * @param guestEvents what QMP saw the guest do ({@link GuestEnd})
 */
record RunFacts(Integer waitStatus, boolean stopRequested, String stoppedBy, StopSequence.Outcome stopOutcome, String hungLine,
        Duration watchdogGrace, String bootTimeout, QemuGaveUp gaveUp, Accelerator accel, List<String> qemuLog, String qemuLogTail,
        String lastLine, boolean memoryCapHit, Confinement confinement, Optional<Diagnosis> diagnosis, List<String> appLines,
        String qemuExit, List<String> guestEvents) {

    /** The app's exit code, null without an end line. */
    Integer exitCode() {
        return waitStatus == null ? null : LinuxConsoleProtocol.exitCode(waitStatus);
    }

    /** The app exited because the stop pressed the power button (SIGTERM): the stop's end, with the app's code. */
    boolean exitedOnPowerButton() {
        return waitStatus != null && stopOutcome != null && stopOutcome.endedBy() == StopSequence.Step.POWERDOWN;
    }
}
