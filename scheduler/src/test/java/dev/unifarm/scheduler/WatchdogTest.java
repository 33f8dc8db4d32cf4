package dev.unifarm.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WatchdogTest {

    @Test
    void testIsFatal_knownSignatures() {
        assertThat(Watchdog.isFatal("Unhandled Exception: System.InvalidOperationException: x")).isTrue();
        assertThat(Watchdog.isFatal("Failed to initialize CoreCLR, HRESULT: 0x80004005")).isTrue();
        assertThat(Watchdog.isFatal("[    0.100000] CRIT: [libukboot] something")).isTrue();
        assertThat(Watchdog.isFatal("ERR:  [appelfloader] cannot load")).isTrue();
    }

    @Test
    void testIsFatal_ordinaryLinesAreNot() {
        assertThat(Watchdog.isFatal("Hello from Unifarm!")).isFalse();
        assertThat(Watchdog.isFatal("CRITICAL section entered")).isFalse();
        assertThat(Watchdog.isFatal("TERR: no")).isFalse();
    }
}
