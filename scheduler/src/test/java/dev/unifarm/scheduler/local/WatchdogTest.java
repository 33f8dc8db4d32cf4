package dev.unifarm.scheduler.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WatchdogTest {

    @Test
    void testIsFatal_knownSignatures() {
        assertThat(Watchdog.isFatal("Unhandled Exception: System.InvalidOperationException: x")).isTrue();
        assertThat(Watchdog.isFatal("Failed to initialize CoreCLR, HRESULT: 0x80004005")).isTrue();
        assertThat(Watchdog.isFatal("[    0.100000] CRIT: [libukboot] something")).isTrue();
        // a needs sweep quotes the failures it provokes; its guest is not hung
        assertThat(Watchdog.isFatal("unifarm-needs-trial 3 stub mknodat fail 137 240 - +Failed to initialize CoreCLR, HRESULT: 0x80004005")).isFalse();
        assertThat(Watchdog.isFatal("unifarm-needs-again 3 stub mknodat fail 137 240 - +Failed to initialize CoreCLR, HRESULT: 0x80004005")).isFalse();
        assertThat(Watchdog.isFatal("ERR:  [appelfloader] <main.c @  343> dotnet: Failed to execute: -2")).isTrue();
        assertThat(Watchdog.isFatal("ERR:  [appelfloader] <elf_load.c @  921> dotnet: ELF executable is not position-independent!"))
                .isTrue();
        assertThat(Watchdog.isFatal("ERR:  [appelfloader] <main.c @  300> dotnet: Failed to load program interpreter")).isTrue();
    }

    /** The kernel that stopped before the app: 0.16.3 under TCG's default CPU (testdata/unikraft-0.16.3). */
    @Test
    void testIsFatal_aKernelThatStopped() {
        assertThat(Watchdog.isFatal("Booting from ROM..CRIT: [libkvmplat] <paging.c @  281> 1GiB pages not supported.")).isTrue();
        assertThat(Watchdog.isFatal("CRIT: [libkvmplat] <setup.c @  111> Mem init failed: -95")).isTrue();
        assertThat(Watchdog.isFatal("Info: [libkvmplat] <shutdown.c @   59> Unikraft halted")).isTrue();
    }

    /** A kernel log level is not a verdict: this line comes on every .NET start on app-elfloader 0.16.3, successes included. */
    @Test
    void testIsFatal_harmlessKernelErrorIsNot() {
        assertThat(Watchdog.isFatal("ERR:  [libposix_process] <deprecated.c @  348> Ignore updating resource 7: cur = 1024, max = 1024"))
                .isFalse();
        assertThat(Watchdog.isFatal("Warn: [appelfloader] <conffile.c @   77> /etc/hosts: Already exists")).isFalse();
    }

    @Test
    void testIsFatal_ordinaryLinesAreNot() {
        assertThat(Watchdog.isFatal("Hello from Unifarm!")).isFalse();
        assertThat(Watchdog.isFatal("CRITICAL section entered")).isFalse();
        assertThat(Watchdog.isFatal("TERR: no")).isFalse();
    }
}
