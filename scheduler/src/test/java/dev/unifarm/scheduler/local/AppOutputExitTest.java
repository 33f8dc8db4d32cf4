package dev.unifarm.scheduler.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unifarm.imager.model.KernelProfile.ExitDetection;
import org.junit.jupiter.api.Test;

/** How each profile's exit detection reads the console. */
class AppOutputExitTest {

    private static final String PANIC = "[    1.234567] Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000100";

    @Test
    void testWaitStatus_linuxPanicReadsInitExit() {
        assertThat(AppOutput.waitStatus(ExitDetection.LINUX_PANIC, PANIC)).hasValue(0x100);
        assertThat(AppOutput.waitStatus(ExitDetection.LINUX_PANIC, "Hello from .NET")).isEmpty();
    }

    @Test
    void testWaitStatus_unifarmCompatReadsTheLayersLineNotThePanic() {
        assertThat(AppOutput.waitStatus(ExitDetection.UNIFARM_COMPAT, "unifarm-compat: exit 3")).hasValue(0x300);
        assertThat(AppOutput.waitStatus(ExitDetection.UNIFARM_COMPAT, PANIC)).isEmpty();
        assertThat(AppOutput.waitStatus(ExitDetection.LINUX_PANIC, "unifarm-compat: exit 3")).isEmpty();
    }

    @Test
    void testWaitStatus_noneReadsNothingEvenAPanicLine() {
        assertThat(AppOutput.waitStatus(ExitDetection.NONE, PANIC)).isEmpty();
        assertThat(AppOutput.waitStatus(ExitDetection.NONE, "exit_group(0x0) = OK")).isEmpty();
    }
}
