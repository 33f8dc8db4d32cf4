package dev.unifarm.scheduler.console;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LinuxConsoleProtocolTest {

    @Test
    void testWaitStatus_parsesInitExitPanic() {
        assertThat(LinuxConsoleProtocol.waitStatus(
                "[    2.52] Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000100"))
                .hasValue(0x100);
    }

    @Test
    void testWaitStatus_parsesSignalStatusAndEndMarker() {
        assertThat(LinuxConsoleProtocol.waitStatus(
                "[    3.000001] Kernel panic - not syncing: Attempted to kill init! exitcode=0x0000000b"))
                .hasValue(0x0b);
        assertThat(LinuxConsoleProtocol.waitStatus(
                "[    2.61] ---[ end Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000000 ]---"))
                .hasValue(0);
    }

    @Test
    void testWaitStatus_emptyForOtherLines() {
        assertThat(LinuxConsoleProtocol.waitStatus("[    2.52] Kernel panic - not syncing: VFS: Unable to mount root fs")).isEmpty();
        assertThat(LinuxConsoleProtocol.waitStatus("Hello from Unifarm!")).isEmpty();
        assertThat(LinuxConsoleProtocol.waitStatus("")).isEmpty();
    }

    @Test
    void testExitCode_normalExit() {
        assertThat(LinuxConsoleProtocol.exitCode(0)).isZero();
        assertThat(LinuxConsoleProtocol.exitCode(0x100)).isEqualTo(1);
        assertThat(LinuxConsoleProtocol.exitCode(0xff00)).isEqualTo(255);
    }

    @Test
    void testExitCode_signalIs128PlusSignal() {
        assertThat(LinuxConsoleProtocol.exitCode(0x0b)).isEqualTo(139); // SIGSEGV
        assertThat(LinuxConsoleProtocol.exitCode(0x06)).isEqualTo(134); // SIGABRT
        assertThat(LinuxConsoleProtocol.exitCode(0x8b)).as("core dump flag is not part of the signal").isEqualTo(139);
    }

    @Test
    void testKilledBySignal() {
        assertThat(LinuxConsoleProtocol.killedBySignal(0x0b)).isTrue();
        assertThat(LinuxConsoleProtocol.killedBySignal(0x8b)).isTrue();
        assertThat(LinuxConsoleProtocol.killedBySignal(0x100)).isFalse();
        assertThat(LinuxConsoleProtocol.killedBySignal(0)).isFalse();
    }

    @Test
    void testIsAppOutput_falseForKernelFirmwareAndBlankLines() {
        assertThat(LinuxConsoleProtocol.isAppOutput("[    1.234] foo")).isFalse();
        assertThat(LinuxConsoleProtocol.isAppOutput("[12345.678901] random: crng init done")).isFalse();
        assertThat(LinuxConsoleProtocol.isAppOutput("SeaBIOS (version 1.16.2)")).isFalse();
        assertThat(LinuxConsoleProtocol.isAppOutput("Booting from ROM...")).isFalse();
        assertThat(LinuxConsoleProtocol.isAppOutput("")).isFalse();
        assertThat(LinuxConsoleProtocol.isAppOutput("   ")).isFalse();
    }

    @Test
    void testIsAppOutput_falseForSeaBiosDotsFlushedAfterTheKernelsReset() {
        // Bytes as a real console.raw had them: "Booting from ROM.." then the reset, and the last dot on its own line.
        String raw = "Booting from ROM..\u001Bc\u001B[?7l\u001B[2J.";
        assertThat(ConsoleCleaner.lines(raw)).containsExactly("Booting from ROM..", ".");
        assertThat(ConsoleCleaner.lines(raw)).noneMatch(LinuxConsoleProtocol::isAppOutput);
        assertThat(LinuxConsoleProtocol.isAppOutput("...")).isFalse();
        assertThat(LinuxConsoleProtocol.isAppOutput(".[    1.485264] /dev/root: Can't open blockdev")).as("glued to a kernel line").isFalse();
        assertThat(LinuxConsoleProtocol.isAppOutput(".graceful: started")).as("an app line the dot was glued to").isTrue();
    }

    @Test
    void testIsAppOutput_trueForAppLines() {
        assertThat(LinuxConsoleProtocol.isAppOutput("Hello")).isTrue();
        assertThat(LinuxConsoleProtocol.isAppOutput("args: [x, y]")).isTrue();
        assertThat(LinuxConsoleProtocol.isAppOutput("   at Crash.Main(String[] args)")).isTrue();
    }
}
