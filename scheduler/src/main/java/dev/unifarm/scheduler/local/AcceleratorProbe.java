package dev.unifarm.scheduler.local;

import dev.unifarm.scheduler.Accelerator;
import dev.unifarm.scheduler.AcceleratorChoice;
import dev.unifarm.scheduler.AcceleratorSetting;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Chooses the accelerator by running a guest, never by looking at the device: an openable
 * {@code /dev/kvm} is not enough. Seen on hosts of this project: QEMU aborting as it sets up a
 * {@code -cpu host} vCPU ("failed to set MSR 0x10a"), and a paravirtual KVM of a nested host on which
 * QEMU starts, SeaBIOS prints, and the kernel's entry code dies ({@code KVM internal error. Suberror: 1
 * … emulation failure}) or never runs. So the probe boots the farm's own tiny {@link ProbeGuest} with
 * the instances' own accelerator arguments and accepts KVM only when the guest's marker reaches the
 * serial port within a short bound. QEMU never outlives the bound; its ROM file is removed.
 */
public final class AcceleratorProbe {

    private static final Logger LOG = Logger.getLogger(AcceleratorProbe.class);
    public static final Duration DEFAULT_BOUND = Duration.ofSeconds(3);
    static final Path KVM_DEVICE = Path.of("/dev/kvm");
    /** The most of QEMU's own words a reason quotes. */
    private static final int QUOTED_CHARS = 240;

    private static volatile AcceleratorChoice detected;

    private AcceleratorProbe() {
    }

    /** What one probe boot showed: the marker within the bound or not, and what QEMU printed otherwise. */
    record GuestRun(boolean ran, Duration took, String seen) {
    }

    /**
     * The accelerator for {@code setting}: {@code tcg} as asked; {@code kvm} only if the test guest runs
     * under it, else an {@link IllegalStateException} saying what the probe saw; {@code auto} KVM where
     * the guest runs under it, else TCG. Logs the choice and its reason.
     *
     * @param workDir where the guest's ROM is written for the probe's few seconds (then removed)
     */
    public static AcceleratorChoice choose(AcceleratorSetting setting, Duration bound, Path workDir) {
        return choose(setting, bound, workDir, ProbeGuest.marker());
    }

    static AcceleratorChoice choose(AcceleratorSetting setting, Duration bound, Path workDir, byte[] guest) {
        AcceleratorChoice choice = decide(setting, bound, workDir, guest);
        if (choice.accelerator() == Accelerator.tcg && setting == AcceleratorSetting.auto) {
            LOG.warnf("accelerator tcg: %s (software emulation, several times slower than KVM)", choice.reason());
        } else {
            LOG.infof("accelerator %s: %s", choice.accelerator(), choice.reason());
        }
        return choice;
    }

    /**
     * {@code auto} with the default bound, probed once per JVM (the host does not change under it),
     * the ROM in the JVM's temporary directory: for tests and tools that boot without a farm.
     */
    public static Accelerator detect() {
        AcceleratorChoice known = detected;
        if (known == null) {
            synchronized (AcceleratorProbe.class) {
                if (detected == null) {
                    detected = choose(AcceleratorSetting.auto, DEFAULT_BOUND, Path.of(System.getProperty("java.io.tmpdir")));
                }
                known = detected;
            }
        }
        return known.accelerator();
    }

    private static AcceleratorChoice decide(AcceleratorSetting setting, Duration bound, Path workDir, byte[] guest) {
        if (setting == AcceleratorSetting.tcg) {
            return new AcceleratorChoice(Accelerator.tcg, setting, "unifarm.scheduler.accelerator=tcg: KVM not tried");
        }
        if (!Files.exists(KVM_DEVICE)) {
            if (setting == AcceleratorSetting.kvm) {
                throw new IllegalStateException("accelerator kvm was asked for, but " + KVM_DEVICE
                        + " does not exist on this host; set the accelerator to auto or tcg, or run where KVM is available");
            }
            return new AcceleratorChoice(Accelerator.tcg, setting, "no " + KVM_DEVICE + " on this host: using TCG");
        }
        GuestRun run = runGuest(Accelerator.kvm, guest, bound, workDir);
        if (run.ran()) {
            return new AcceleratorChoice(Accelerator.kvm, setting, "a test guest ran under KVM in " + run.took().toMillis() + " ms");
        }
        String failure = "a test guest did not run within " + seconds(bound) + " under KVM (" + run.seen() + ")";
        if (setting == AcceleratorSetting.kvm) {
            throw new IllegalStateException("accelerator kvm was asked for, but " + failure
                    + "; set the accelerator to auto or tcg to run guests under software emulation");
        }
        return new AcceleratorChoice(Accelerator.tcg, setting, KVM_DEVICE + " present but " + failure + ": using TCG");
    }

    /**
     * Boots {@code guest} (a 64 KiB BIOS image) under {@code accel} with the instances' accelerator
     * arguments and waits at most {@code bound} for {@link ProbeGuest#MARKER} on its serial port.
     */
    static GuestRun runGuest(Accelerator accel, byte[] guest, Duration bound, Path workDir) {
        Path rom = null;
        Process qemu = null;
        long started = System.nanoTime();
        try {
            Files.createDirectories(workDir);
            rom = Files.createTempFile(workDir, "accel-probe-", ".rom");
            Files.write(rom, guest);
            List<String> command = new ArrayList<>(List.of(QemuCommand.BINARY, "-nodefaults", "-display", "none", "-no-reboot",
                    "-m", "16M", "-bios", rom.toString(), "-serial", "stdio", "-device", ProbeGuest.EXIT_DEVICE));
            command.addAll(accel.qemuArgs());
            qemu = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
            SerialWatch serial = SerialWatch.start(qemu.getInputStream());
            // read while QEMU runs: destroying the process closes its streams
            StderrCollector stderr = StderrCollector.start(qemu.getErrorStream());
            boolean ran = serial.awaitMarker(bound);
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            if (ran) {
                return new GuestRun(true, took, "marker after " + took.toMillis() + " ms");
            }
            // the serial stream ends when QEMU exits: then its status is what it died of
            boolean exited = qemu.waitFor(serial.ended() ? 1000 : 0, TimeUnit.MILLISECONDS);
            if (exited) {
                stderr.awaitEnd();
            }
            String qemuSaid = stderr.text();
            stop(qemu);
            return new GuestRun(false, took, describeFailure(exited ? qemu.exitValue() : null, serial.text(), qemuSaid));
        } catch (IOException e) {
            return new GuestRun(false, Duration.ofNanos(System.nanoTime() - started), "cannot run " + QemuCommand.BINARY + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new GuestRun(false, Duration.ofNanos(System.nanoTime() - started), "interrupted");
        } finally {
            stop(qemu);
            deleteQuietly(rom);
        }
    }

    /** QEMU is gone (and reaped) before the probe returns: the marker guest exits by itself, any other is killed. */
    private static void stop(Process qemu) {
        if (qemu == null) {
            return;
        }
        try {
            if (!qemu.destroyForcibly().waitFor(10, TimeUnit.SECONDS)) {
                LOG.warnf("the accelerator probe's QEMU (pid %d) did not go within 10 s of SIGKILL", qemu.pid());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String describeFailure(Integer exitStatus, String serial, String stderr) {
        String qemuSaid = quote(stderr);
        String printed = serial.isBlank() ? "the guest printed nothing" : "the guest printed \"" + quote(serial) + "\" but no marker";
        String how = exitStatus == null ? printed : "QEMU exited with status " + exitStatus + ", " + printed;
        return how + (qemuSaid.isEmpty() ? "" : "; QEMU: " + qemuSaid);
    }

    /** QEMU's words on one line, shortened. */
    static String quote(String text) {
        String oneLine = String.join(" | ", text.strip().lines().map(String::strip).filter(l -> !l.isEmpty()).toList());
        return oneLine.length() <= QUOTED_CHARS ? oneLine : oneLine.substring(0, QUOTED_CHARS) + "…";
    }

    private static String seconds(Duration bound) {
        return bound.toMillis() % 1000 == 0 ? bound.toSeconds() + " s" : bound.toMillis() + " ms";
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the probe's ROM " + file, e);
        }
    }

    /** Keeps what QEMU writes to stderr (its reason for giving up), at most 16 KiB. */
    private static final class StderrCollector {

        private static final int LIMIT = 16 * 1024;
        private final ByteArrayOutputStream seen = new ByteArrayOutputStream();
        private final Thread reader;

        private StderrCollector(InputStream stderr) {
            this.reader = new Thread(() -> read(stderr), "accel-probe-stderr");
            reader.setDaemon(true);
        }

        static StderrCollector start(InputStream stderr) {
            StderrCollector collector = new StderrCollector(stderr);
            collector.reader.start();
            return collector;
        }

        private void read(InputStream stderr) {
            byte[] buffer = new byte[1024];
            try (stderr) {
                int n;
                while ((n = stderr.read(buffer)) >= 0) {
                    synchronized (this) {
                        seen.write(buffer, 0, Math.min(n, Math.max(0, LIMIT - seen.size())));
                    }
                }
            } catch (IOException e) {
                // closed when QEMU is destroyed at the bound
            }
        }

        /** Once QEMU exited by itself: everything it wrote has arrived. */
        void awaitEnd() throws InterruptedException {
            reader.join(1000);
        }

        synchronized String text() {
            return seen.toString(StandardCharsets.UTF_8);
        }
    }

    /** Reads the guest's serial output (QEMU's stdout) until the marker or the end of the stream. */
    private static final class SerialWatch {

        private final ByteArrayOutputStream seen = new ByteArrayOutputStream();
        private final CountDownLatch done = new CountDownLatch(1);
        private volatile boolean marker;

        static SerialWatch start(InputStream serial) {
            SerialWatch watch = new SerialWatch();
            Thread reader = new Thread(() -> watch.read(serial), "accel-probe-serial");
            reader.setDaemon(true);
            reader.start();
            return watch;
        }

        private void read(InputStream serial) {
            try (serial) {
                int b;
                while ((b = serial.read()) >= 0) {
                    synchronized (this) {
                        seen.write(b);
                        if (seen.size() <= 4096 && seen.toString(StandardCharsets.US_ASCII).contains(ProbeGuest.MARKER)) {
                            marker = true;
                            break;
                        }
                    }
                }
            } catch (IOException e) {
                // QEMU killed at the bound: what was read so far is the evidence
            } finally {
                done.countDown();
            }
        }

        /** True once the marker was read; false when the stream ended without it or {@code bound} passed. */
        boolean awaitMarker(Duration bound) throws InterruptedException {
            done.await(bound.toMillis(), TimeUnit.MILLISECONDS);
            return marker;
        }

        boolean ended() {
            return done.getCount() == 0;
        }

        synchronized String text() {
            return seen.toString(StandardCharsets.US_ASCII);
        }
    }
}
