package dev.unifarm.imager.rootfs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unifarm.imager.RealParts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PowerButtonTest {

    @TempDir
    Path temp;

    @Test
    void testForKernel_provisionedKernelHasButtonAndEvdevModules() {
        PowerButton power = PowerButton.forKernel(RealParts.linuxKernel(), line -> { }).orElseThrow();

        assertThat(power.modules()).anySatisfy(m -> assertThat(m).endsWith("/button.ko"))
                .anySatisfy(m -> assertThat(m).endsWith("/evdev.ko"));
    }

    @Test
    void testAppendTo_watchesThePowerButtonAndSignalsPid1() {
        PowerButton power = PowerButton.forKernel(RealParts.linuxKernel(), line -> { }).orElseThrow();
        StringBuilder script = new StringBuilder();

        power.appendTo(script);

        assertThat(script.toString())
                .contains("insmod /lib/modules/unifarm/" + power.modules().get(0))
                .contains("mount -t sysfs sysfs /run/unifarm-sys", "= \"Power Button\"", "umount /run/unifarm-sys")
                // a whole input_event: evdev refuses shorter reads
                .contains("bs=24 count=1", "&& kill -TERM 1 ) &");
        assertThat(script.indexOf("mount -t sysfs")).isGreaterThan(script.lastIndexOf("insmod"));
    }

    @Test
    void testForKernel_kernelWithoutPowerOrderIsLoggedAndLeftOut() throws Exception {
        Path kernel = Files.writeString(temp.resolve("vmlinuz"), "not a kernel");
        List<String> log = new ArrayList<>();

        assertThat(PowerButton.forKernel(kernel, log::add)).isEmpty();
        assertThat(log).singleElement().asString().contains("power-order", "scripts/provision", "ignores system_powerdown");
    }
}
