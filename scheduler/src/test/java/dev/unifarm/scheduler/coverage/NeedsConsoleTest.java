package dev.unifarm.scheduler.coverage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading a needs sweep's console lines (as the guest prints them; NeedsSweepBootTest makes real ones). */
class NeedsConsoleTest {

    private static final List<String> CONSOLE = List.of(
            "[    1.234567] Run /init as init process",
            "unifarm-needs-begin 5",
            "unifarm-needs-trial 0 baseline - pass 0 980 - ",
            "unifarm-needs-trial 1 stub clone3 pass 0 480 - ",
            "unifarm-needs-trial 2 stub mknodat fail 137 240 - +Failed to initialize CoreCLR, HRESULT: 0x80004005",
            "unifarm-needs-trial 3 fake mknodat pass 0 360 - ",
            "unifarm-needs-trial 4 stub mmap fail 139 90 - -Hello from Unifarm!",
            "unifarm-needs-trial 5 stub openat fail 127 80 - +dotnet: error while loading shared libraries: libdl.so.2",
            "unifarm-needs-trial 6 fake openat hung - 5260 - ",
            "unifarm-needs-trial x stub broken line",
            "unifarm-needs-end 7 complete");

    @Test
    void testParse_classesEachPlannedSyscallFromItsTrials() {
        NeedsSweepResult result = NeedsConsole.parse(CONSOLE, List.of("openat", "mmap", "mknodat", "clone3", "exit_group", "rseq"));

        assertThat(result.trials()).isEqualTo(7);
        assertThat(result.ended()).isTrue();
        assertThat(result.limited()).isFalse();
        assertThat(result.baseline().passed()).isTrue();
        assertThat(result.baseline().millis()).isEqualTo(980);
        assertThat(result.names(NeedClass.stubbable)).containsExactly("clone3");
        assertThat(result.names(NeedClass.fakeable)).containsExactly("mknodat");
        assertThat(result.names(NeedClass.required)).containsExactly("mmap", "openat");
        assertThat(result.names(NeedClass.untried)).containsExactly("exit_group", "rseq");
        assertThat(result.needs()).extracting(SyscallNeed::syscall).containsExactly("clone3", "exit_group", "mknodat", "mmap", "openat", "rseq");

        SyscallNeed mknodat = result.need("mknodat").orElseThrow();
        assertThat(mknodat.stub().exitCode()).isEqualTo(137);
        assertThat(mknodat.stub().firstDifference()).isEqualTo("+Failed to initialize CoreCLR, HRESULT: 0x80004005");
        assertThat(mknodat.fake().passed()).isTrue();
        assertThat(result.need("mmap").orElseThrow().note()).startsWith("not faked: ");
        NeedsTrial hung = result.need("openat").orElseThrow().fake();
        assertThat(hung.verdict()).isEqualTo(NeedsTrial.Verdict.hung);
        assertThat(hung.exitCode()).isNull();
        assertThat(hung.firstDifference()).isNull();
        assertThat(result.need("exit_group").orElseThrow().note()).startsWith("not tried: ");
        assertThat(result.need("rseq").orElseThrow().note()).isEqualTo("the sweep ended before this trial");
    }

    @Test
    void testParse_cutOffOrLimitedSweep() {
        NeedsSweepResult cut = NeedsConsole.parse(CONSOLE.subList(0, 4), List.of("clone3", "mknodat"));
        assertThat(cut.ended()).isFalse();
        assertThat(cut.names(NeedClass.untried)).containsExactly("mknodat");

        NeedsSweepResult limited = NeedsConsole.parse(List.of("unifarm-needs-trial 0 baseline - pass 0 900 - ", "unifarm-needs-end 1 limit"),
                List.of("clone3"));
        assertThat(limited.limited()).isTrue();
        assertThat(limited.need("clone3").orElseThrow().note()).contains("limit");
    }

    @Test
    void testParse_aVerdictLostOnTheConsoleIsReadFromItsSecondCopyAndCountedOnceBoth() {
        List<String> console = List.of(
                "unifarm-needs-trial 0 baseline - pass 0 980 - ",
                "unifarm-needs-trial 1 stub clone3 pass 0 480 - ",
                // trial 2's line lost; trial 3's lost twice
                "unifarm-needs-again 0 baseline - pass 0 980 - ",
                "unifarm-needs-again 1 stub clone3 pass 0 480 - ",
                "unifarm-needs-again 2 stub mknodat fail 137 240 - +Failed to initialize CoreCLR, HRESULT: 0x80004005",
                "unifarm-needs-end 4 complete");

        NeedsSweepResult result = NeedsConsole.parse(console, List.of("clone3", "mknodat"));

        assertThat(result.trials()).isEqualTo(3);
        assertThat(result.lost()).isEqualTo(1);
        assertThat(result.need("mknodat").orElseThrow().stub().exitCode()).isEqualTo(137);
        assertThat(result.need("mknodat").orElseThrow().needClass()).isEqualTo(NeedClass.untried);
        assertThat(result.need("mknodat").orElseThrow().note()).contains("no verdict reached the farm");
        assertThat(NeedsConsole.trial(console.get(2))).as("the second copy is not live progress").isNull();
    }

    @Test
    void testTrial_httpEvidenceAndPlannedTrials() {
        NeedsTrial trial = NeedsConsole.trial("unifarm-needs-trial 1 stub accept4 fail 134 2040 0 GET /hello?x=1: no answer; the app printed: x");
        assertThat(trial.httpStatus()).isZero();
        assertThat(trial.firstDifference()).isEqualTo("GET /hello?x=1: no answer; the app printed: x");
        assertThat(NeedsConsole.trial("echo-http listening on port 8080")).isNull();
        // baseline + clone3 (stub only) + openat (stub, fake); exit_group never tried
        assertThat(NeedsConsole.plannedTrials(List.of("openat", "clone3", "exit_group"))).isEqualTo(4);
    }
}
