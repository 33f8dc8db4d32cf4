package dev.unifarm.scheduler;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Chooses KVM when it really works, else TCG. An openable {@code /dev/kvm} is not enough: under
 * nested virtualization QEMU can abort as soon as it sets up a {@code -cpu host} vCPU (seen here:
 * "failed to set MSR 0x10a"). So the probe starts QEMU paused with the real accelerator and CPU, and
 * asks it to quit over QMP; a clean exit means KVM is usable.
 */
public final class AcceleratorProbe {

    private static final Logger LOG = Logger.getLogger(AcceleratorProbe.class);
    private static final long PROBE_SECONDS = 10;

    private AcceleratorProbe() {
    }

    /** Probes {@code /dev/kvm} once; logs a warning when falling back to TCG. */
    public static Accelerator detect() {
        return detect(Path.of("/dev/kvm"));
    }

    static Accelerator detect(Path device) {
        if (!Files.isReadable(device) || !Files.isWritable(device)) {
            LOG.warnf("%s is not usable: instances run under TCG software emulation, several times slower", device);
            return Accelerator.tcg;
        }
        String failure = kvmFailure();
        if (failure != null) {
            LOG.warnf("%s exists but QEMU cannot use it (%s): instances run under TCG software emulation", device, failure);
            return Accelerator.tcg;
        }
        return Accelerator.kvm;
    }

    /** Null when a paused KVM guest starts and quits cleanly, else what went wrong. */
    private static String kvmFailure() {
        List<String> command = new ArrayList<>(List.of(QemuCommand.BINARY, "-nodefaults", "-display", "none", "-S",
                "-qmp", "stdio"));
        command.addAll(Accelerator.kvm.qemuArgs());
        try {
            // stderr stays a pipe (a few lines at most) so nothing is written outside the data dir.
            Process qemu = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try (OutputStream in = qemu.getOutputStream()) {
                in.write("{\"execute\":\"qmp_capabilities\"}\n{\"execute\":\"quit\"}\n".getBytes(StandardCharsets.UTF_8));
            } catch (IOException alreadyGone) {
                // QEMU died before reading: its exit status and stderr say why
            }
            if (!qemu.waitFor(PROBE_SECONDS, TimeUnit.SECONDS)) {
                qemu.destroyForcibly();
                return "the probe did not quit within " + PROBE_SECONDS + " s";
            }
            if (qemu.exitValue() == 0) {
                return null;
            }
            String log = new String(qemu.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return "exit " + qemu.exitValue() + (log.isEmpty() ? "" : ": " + log.lines().findFirst().orElse(""));
        } catch (IOException e) {
            return e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
