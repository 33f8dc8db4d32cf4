package dev.unifarm.imager.rootfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unifarm.imager.model.ImagerException;
import dev.unifarm.imager.model.NeedsSweep;
import dev.unifarm.imager.model.TraceOptions;
import dev.unifarm.imager.model.Workload;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The needs sweep's {@code /init} lines (the boot test {@code NeedsSweepBootTest} runs them for real). */
class NeedsSweepScriptTest {

    private static final String HOST = "/usr/share/dotnet/dotnet";

    private static String script(NeedsSweep sweep) {
        TraceOptions options = TraceOptions.of(TraceOptions.HOST_STRACE).withNeeds(sweep);
        return new GuestInit(GuestInit.HOST_BUSYBOX, null, null, new StraceWrapper(options)).script(HOST);
    }

    @Test
    void testScript_baselineThenEachSyscallStubbedAndFakedWhereFakingMeansSomething() {
        String script = script(new NeedsSweep(List.of("openat", "mmap", "exit_group", "clone3", "mknodat"), Workload.asBaseline(), null,
                Duration.ofMinutes(20)));

        // one traced run instead of the reference run's, strace tracing only the injected call
        assertThat(script).doesNotContain(StraceWrapper.BEGIN, "exec ")
                .contains(GuestInit.BUSYBOX + " setsid /usr/bin/strace -f -qq --seccomp-bpf -o /dev/null $uf_opts " + HOST + " \"$@\"")
                .contains("-e inject=$uf_sys:error=ENOSYS").contains("-e inject=$uf_sys:retval=0");
        // sorted; exit_group never tried; mmap and clone3 stubbed only
        assertThat(script).contains("for uf_s in clone3:n mknodat:f mmap:n openat:f; do")
                .contains("echo \"" + NeedsSweepScript.BEGIN + " 4\"");
        assertThat(script.indexOf("uf_mode=baseline")).isLessThan(script.indexOf("for uf_s in"));
        // the sweep's limit, and every trial bounded by a watchdog that kills its whole session
        assertThat(script).contains("uf_deadline=$((uf_ms + 1200000))").contains("b kill -KILL -$uf_p");
        assertThat(script).endsWith("b cat /tmp/uf.verdicts 2>/dev/null\necho \"" + NeedsSweepScript.END + " $uf_n $uf_why\"\nexit 0\n");
        assertThat(script).contains(NeedsSweepScript.AGAIN + " $uf_line\" >> /tmp/uf.verdicts");
        // no port: judged by exit code and output against the baseline's
        assertThat(script).contains("b cmp -s /tmp/uf.base.out /tmp/uf.out").doesNotContain("b nc ");
    }

    @Test
    void testScript_configuredExitCodeAndOutputLinesAreQuotedShellWords() {
        Workload workload = new Workload(List.of(), 3, List.of("it's $HOME `x`"));
        String script = script(new NeedsSweep(List.of("rseq"), workload, null, Duration.ofMinutes(1)));

        assertThat(script).contains("uf_erc=3\n").doesNotContain("read uf_erc")
                .contains("b grep -qxF -- 'it'\\''s $HOME `x`' /tmp/uf.out");
    }

    @Test
    void testScript_workerIsSentSigtermAfterItsSettleTime() {
        Workload workload = new Workload(List.of(), null, null, Duration.ofSeconds(3));
        String script = script(new NeedsSweep(List.of("rseq"), workload, null, Duration.ofMinutes(1)));

        assertThat(script).contains("-ge 3000 ] && break").contains("/task/$uf_p/children").contains("b kill -TERM $uf_c");
        assertThat(script.indexOf("uf_settle\n")).isLessThan(script.indexOf("uf_end; uf_ok=1"));
        assertThat(script(new NeedsSweep(List.of("rseq"), Workload.asBaseline(), null, Duration.ofMinutes(1)))).doesNotContain("uf_settle");
        assertThatThrownBy(() -> new Workload(List.of(), null, null, Duration.ofMinutes(2))).hasMessageContaining("settle");
    }

    @Test
    void testScript_appWithAPortIsAskedInTheGuestAndJudgedByStatusAndBody() {
        Workload workload = new Workload(List.of(new Workload.Request("/hello?x=1", 200, "echo-http"), new Workload.Request("/", null, null)),
                null, null);
        String script = script(new NeedsSweep(List.of("accept4"), workload, 8080, Duration.ofMinutes(1)));

        assertThat(script).contains("b nc -w 30 127.0.0.1 8080")
                .contains("uf_get '/hello?x=1'; uf_check 0 200 'echo-http' '/hello?x=1'")
                .contains("uf_get '/'; uf_check 1 '' '' '/'")
                .doesNotContain("b cmp -s /tmp/uf.base.out");
        assertThat(script.indexOf("uf_check 0")).isLessThan(script.indexOf("uf_check 1"));
    }

    @Test
    void testSweep_validatesNamesPortLimitAndWorkload() {
        assertThatThrownBy(() -> new NeedsSweep(List.of("mknod_at"), Workload.asBaseline(), null, Duration.ofMinutes(1)))
                .isInstanceOfSatisfying(ImagerException.class, e -> assertThat(e.type()).isEqualTo("unknown-syscall"));
        assertThatThrownBy(() -> new NeedsSweep(List.of(), Workload.asBaseline(), 0, Duration.ofMinutes(1)))
                .isInstanceOfSatisfying(ImagerException.class, e -> assertThat(e.type()).isEqualTo("invalid-port"));
        assertThatThrownBy(() -> new NeedsSweep(List.of(), Workload.asBaseline(), null, Duration.ZERO))
                .isInstanceOfSatisfying(ImagerException.class, e -> assertThat(e.type()).isEqualTo("invalid-limit"));
        assertThatThrownBy(() -> new Workload.Request("hello", null, null)).hasMessageContaining("must start with /");
        assertThatThrownBy(() -> new Workload.Request("/a b", null, null)).hasMessageContaining("without spaces");
        assertThatThrownBy(() -> new Workload.Request("/", 700, null)).hasMessageContaining("100-599");
        assertThatThrownBy(() -> new Workload(List.of(), 256, null)).hasMessageContaining("0-255");
        assertThatThrownBy(() -> new Workload(List.of(), null, List.of("two\nlines"))).hasMessageContaining("one line");
        assertThatThrownBy(() -> TraceOptions.of(TraceOptions.HOST_STRACE).failingWithEnosys(List.of("rseq"))
                .withNeeds(new NeedsSweep(List.of(), Workload.asBaseline(), null, Duration.ofMinutes(1))))
                .isInstanceOfSatisfying(ImagerException.class, e -> assertThat(e.type()).isEqualTo("invalid-trace"));
        assertThat(NeedsSweep.faked("openat")).isTrue();
        assertThat(NeedsSweep.faked("mmap")).isFalse();
        assertThat(NeedsSweep.faked("exit_group")).isFalse();
    }
}
