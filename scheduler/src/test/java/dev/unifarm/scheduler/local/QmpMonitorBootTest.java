package dev.unifarm.scheduler.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unifarm.imager.model.Image;
import dev.unifarm.scheduler.LaunchRequest;
import dev.unifarm.scheduler.qmp.GuestEnd;
import dev.unifarm.scheduler.qmp.QmpMonitor;
import dev.unifarm.scheduler.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole-life QMP connection on real QEMU with a real guest that ends by itself. */
class QmpMonitorBootTest {

    @TempDir
    Path work;

    /** hello exits, Linux panics (panic=-1 reboots), -no-reboot turns it into QEMU's exit: QMP says the guest reset. */
    @Test
    void testGuestEvents_appExitIsAGuestResetSeenOnTheOneConnection() throws Exception {
        Image hello = TestImages.build("hello", work);
        Path dir = Files.createDirectories(work.resolve("i1"));
        LaunchRequest request = new LaunchRequest("i1", hello, null, null, 384, dir);
        Process qemu = new ProcessBuilder(QemuCommand.of(request, hello, AcceleratorProbe.detect(), Path.of("qmp.sock"), Path.of("qemu.pid")))
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("qemu.log").toFile()).start();
        QmpMonitor monitor = new QmpMonitor("i1", dir.resolve("qmp.sock"), Duration.ofSeconds(10));
        try {
            monitor.connectInBackground(qemu::isAlive);

            assertThat(qemu.waitFor(120, TimeUnit.SECONDS)).as("hello ends by itself").isTrue();
            monitor.drainAndClose(Duration.ofSeconds(5));
        } finally {
            qemu.destroyForcibly();
            monitor.close();
        }

        assertThat(monitor.events()).as("events of the whole run, not only of a stop")
                .anySatisfy(e -> assertThat(e.at()).isNotNull());
        assertThat(monitor.guestEvents()).containsExactly("SHUTDOWN(guest-reset)");
        assertThat(GuestEnd.reason(monitor.guestEvents())).isEqualTo("GuestReset");
        assertThat(monitor.client()).as("connected while QEMU ran").isPresent();
    }
}
