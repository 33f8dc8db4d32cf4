package dev.unifarm.scheduler.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FailureSummaryTest {

    @Test
    void testOf_picksHresultLineOverLaterLines() {
        assertThat(FailureSummary.of(List.of(
                "starting",
                "Failed to initialize CoreCLR, HRESULT: 0x80004005",
                "something printed after")))
                .isEqualTo("Failed to initialize CoreCLR, HRESULT: 0x80004005");
    }

    @Test
    void testOf_picksUnhandledExceptionOverStackTrace() {
        assertThat(FailureSummary.of(List.of(
                "crash: about to throw",
                "Unhandled Exception: System.InvalidOperationException: Unifarm crash sample: deliberate failure",
                "   at Crash.Main(String[] args)")))
                .isEqualTo("Unhandled Exception: System.InvalidOperationException: Unifarm crash sample: deliberate failure");
    }

    @Test
    void testOf_picksFirstFatalLine() {
        assertThat(FailureSummary.of(List.of(
                "Failed to resolve full path of the current executable [/proc/self/exe]",
                "Unhandled Exception: later")))
                .isEqualTo("Failed to resolve full path of the current executable [/proc/self/exe]");
    }

    @Test
    void testOf_fallsBackToLastLines() {
        assertThat(FailureSummary.of(List.of("zero", "one", "two", "last words"))).isEqualTo("one | two | last words");
    }

    @Test
    void testOf_emptySaysAppPrintedNothing() {
        assertThat(FailureSummary.of(List.of())).isEqualTo("the app printed nothing");
    }
}
