package dev.unifarm.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.unifarm.imager.Image;
import dev.unifarm.scheduler.coverage.StraceParser;
import dev.unifarm.scheduler.coverage.StraceTrace;
import dev.unifarm.scheduler.coverage.SyscallOutcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance (issue 6, reference run): each sample's traced variant boots under real QEMU with the
 * real kernel and CoreCLR, runs under Debian's strace inside the guest, and the syscall set the
 * parser reads from the trace equals the one in strace's own {@code -c} table of the same run.
 */
class ReferenceRunBootTest {

    /** strace slows every syscall under TCG: far more than a plain boot's few seconds. */
    private static final Duration RUN = Duration.ofSeconds(240);

    @TempDir
    static Path work;

    @TempDir
    static Path instances;

    private static LocalScheduler scheduler;

    @BeforeAll
    static void startScheduler() {
        scheduler = new LocalScheduler(AcceleratorProbe.detect(), "test-node", Duration.ofSeconds(5), Clock.systemUTC());
    }

    @AfterAll
    static void closeScheduler() {
        if (scheduler != null) {
            scheduler.close();
            await().atMost(Duration.ofSeconds(30)).until(() -> scheduler.liveCount() == 0);
        }
    }

    @ParameterizedTest
    @CsvSource({"hello,0,''", "crash,,''", "chatty,0,50"})
    void testReferenceRun_traceSetEqualsStraceSummarySet(String sample, Integer exitCode, String arg) throws IOException {
        Image traced = TestImages.buildTraced(sample, work);
        List<String> args = arg == null || arg.isEmpty() ? List.of() : List.of(arg);
        LaunchRequest request = new LaunchRequest(sample, traced, args, null, 512, instances.resolve(sample));
        Recorder recorder = new Recorder();
        scheduler.start(request, recorder);
        InstanceStatus end = recorder.awaitEnd(RUN);

        List<String> console = Files.readAllLines(request.instanceDir().resolve("console.log"));
        StraceTrace trace = StraceParser.fromConsole(console);
        Set<String> fromTrace = trace.returnedNames();
        Set<String> fromSummary = new TreeSet<>(trace.summary().keySet());
        System.out.println(sample + " reference run ended: " + end);
        System.out.println(sample + " trace set (" + fromTrace.size() + "): " + fromTrace);
        System.out.println(sample + " strace -c set (" + fromSummary.size() + "): " + fromSummary);
        System.out.println(sample + " never returned: " + trace.unreturnedCalls() + "; calls " + trace.profile().totalCalls()
                + "; error " + trace.profile().namesWith(SyscallOutcome.error) + "; enosys "
                + trace.profile().namesWith(SyscallOutcome.enosys) + "; unparsed lines " + trace.unparsed());

        if (exitCode != null) {
            assertThat(end.exitCode()).as("the app's exit code through strace and /init").isEqualTo(exitCode);
        } else {
            assertThat(end.exitCode()).as("crash ends non-zero").isNotNull().isNotZero();
        }
        assertThat(fromSummary).as("strace printed its -c table (console: %s)", tail(console)).isNotEmpty();
        Set<String> common = new TreeSet<>(fromTrace);
        common.retainAll(fromSummary);
        double precision = (double) common.size() / fromTrace.size();
        double recall = (double) common.size() / fromSummary.size();
        System.out.println(sample + " precision " + precision + ", recall " + recall);
        assertThat(fromTrace).isEqualTo(fromSummary);
        assertThat(trace.unparsed()).isZero();
        assertThat(trace.profile().names()).contains("execve", "mmap", "openat");
        for (String name : fromSummary) {
            assertThat(trace.returnedCalls(name)).as("returned calls of %s", name).isEqualTo(trace.summary().get(name));
        }
    }

    private static List<String> tail(List<String> console) {
        return console.subList(Math.max(0, console.size() - 30), console.size());
    }
}
