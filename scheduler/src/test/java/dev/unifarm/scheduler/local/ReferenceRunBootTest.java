package dev.unifarm.scheduler.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.unifarm.imager.model.Image;
import dev.unifarm.imager.rootfs.StraceWrapper;
import dev.unifarm.scheduler.InstanceState;
import dev.unifarm.scheduler.InstanceStatus;
import dev.unifarm.scheduler.LaunchRequest;
import dev.unifarm.scheduler.coverage.StraceParser;
import dev.unifarm.scheduler.coverage.StraceTrace;
import dev.unifarm.scheduler.coverage.SyscallOutcome;
import dev.unifarm.scheduler.testing.Recorder;
import dev.unifarm.scheduler.testing.TestImages;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Acceptance (issue 6, reference run): every sample's traced variant boots under real QEMU with the
 * real kernel and CoreCLR, runs under Debian's strace inside the guest, and the syscall set the
 * parser reads from the trace equals the one in strace's own {@code -c} table of the same run. Apps
 * that end by themselves are traced to their end; a server is given one {@code GET /} and an app that
 * never ends a settle time, then both are powered down (SIGTERM through {@code /init} to the app)
 * and still print their trace. An app that ignores SIGTERM ends by {@code quit}: no trace.
 */
class ReferenceRunBootTest {

    /** strace slows every syscall under TCG: far more than a plain boot's few seconds. */
    private static final Duration RUN = Duration.ofSeconds(240);
    /**
     * How long a powered-down guest gets to end its app, let strace finish and print the trace. More than
     * the guest's own 60 s wait for strace's summary (StraceWrapper), which comes on top of the app's
     * shutdown: a 60 s wait here once ended a slow graceful run by quit (CI on a busy 2-core host).
     */
    private static final Duration STOP_WAIT = Duration.ofSeconds(120);
    /** How long an app that never ends runs after its first console line before it is powered down. */
    private static final Duration SETTLE = Duration.ofSeconds(3);
    private static final int ECHO_PORT = 8080;

    /** How a sample's run ends. */
    enum Ending {
        /** The app exits by itself. */
        EXITS,
        /** A server: powered down once it has answered one {@code GET /}. */
        SERVES,
        /** Never ends by itself: powered down after {@link #SETTLE}. */
        SETTLES
    }

    @TempDir
    static Path work;

    @TempDir
    static Path instances;

    private static LocalScheduler scheduler;
    /** One traced image per sample, shared by its cases. */
    private static final Map<String, Image> IMAGES = new ConcurrentHashMap<>();

    @BeforeAll
    static void startScheduler() {
        scheduler = new LocalScheduler(LocalOptions.of(AcceleratorProbe.detect(), "test-node"));
    }

    @AfterAll
    static void closeScheduler() {
        if (scheduler != null) {
            scheduler.close();
            await().atMost(Duration.ofSeconds(30)).until(() -> scheduler.liveCount() == 0);
        }
    }

    /** Every sample samples/build makes, with how it ends and its exit code (null: any non-zero). */
    static Stream<Arguments> samples() {
        return Stream.of(
                Arguments.of("hello", List.of(), Ending.EXITS, 0),
                Arguments.of("hello-self-contained", List.of(), Ending.EXITS, 0),
                Arguments.of("crash", List.of(), Ending.EXITS, null),
                Arguments.of("chatty", List.of("50"), Ending.EXITS, 0),
                Arguments.of("echo-http", List.of(), Ending.SERVES, 0),
                Arguments.of("ticker", List.of(), Ending.SETTLES, 0),
                Arguments.of("hang", List.of(), Ending.SETTLES, 0),
                Arguments.of("graceful", List.of(), Ending.SETTLES, 0),
                Arguments.of("nosys", List.of(), Ending.EXITS, 0),
                // 64 MiB fits the guest: the app allocates, touches every page and exits 0.
                Arguments.of("oom", List.of("64"), Ending.EXITS, 0),
                Arguments.of("printenv", List.of("PATH", "UNSET_HERE"), Ending.EXITS, 0),
                // It dies on a write error: the probe and the request below read its answers to their end.
                Arguments.of("two-writes", List.of(), Ending.SERVES, 0));
    }

    @Test
    void testSamples_everySampleTheBuildMakesHasAReferenceRun() throws IOException {
        Set<String> built = new TreeSet<>();
        try (Stream<Path> zips = Files.list(TestImages.samplesDir())) {
            zips.map(zip -> zip.getFileName().toString()).filter(name -> name.endsWith(".zip"))
                    .forEach(name -> built.add(name.substring(0, name.length() - ".zip".length())));
        }
        Set<String> covered = new TreeSet<>();
        samples().forEach(arguments -> covered.add((String) arguments.get()[0]));
        assertThat(covered).as("samples with a reference run case").isEqualTo(built);
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("samples")
    void testReferenceRun_traceSetEqualsStraceSummarySet(String sample, List<String> args, Ending ending, Integer exitCode)
            throws IOException {
        boolean server = ending == Ending.SERVES;
        Recorder recorder = new Recorder();
        LaunchRequest request = start(sample, args, server, recorder);
        if (server) {
            InstanceStatus running = awaitRunning(recorder);
            String response = get(running.endpoint());
            System.out.println(sample + " answered: " + response.lines().reduce((a, b) -> b).orElse(""));
            assertThat(response).startsWith("HTTP/1.1 200").contains(sample + ": GET /");
            scheduler.stop(request.instanceId(), STOP_WAIT);
        } else if (ending == Ending.SETTLES) {
            awaitRunning(recorder);
            sleep(SETTLE);
            assertThat(recorder.ended()).as("%s never ends by itself", sample).isFalse();
            scheduler.stop(request.instanceId(), STOP_WAIT);
        }
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

        if (ending == Ending.EXITS) {
            assertThat(end.state()).isIn(InstanceState.Succeeded, InstanceState.Failed);
        } else {
            // the power button's SIGTERM reached the app through /init: the guest ended before quit
            assertThat(end.state()).isEqualTo(InstanceState.Stopped);
            assertThat(end.reason()).as("ended by the powerdown, not quit: %s", end.message()).isEqualTo("PoweredDown");
        }
        if (exitCode != null) {
            assertThat(end.exitCode()).as("the app's exit code through /init").isEqualTo(exitCode);
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
        if (server) {
            // serving the request is in the trace: the accepted connection and the answer written to it
            assertThat(trace.profile().names()).contains("accept4", "bind", "listen");
        }
        if (sample.equals("graceful")) {
            assertThat(console).contains("graceful: ProcessExit, shutting down cleanly");
        }
    }

    @Test
    void testReferenceRun_appIgnoringSigtermEndsByQuitWithoutTrace() throws IOException {
        Recorder recorder = new Recorder();
        LaunchRequest request = start("graceful", List.of("stuck"), false, recorder);
        awaitRunning(recorder);
        scheduler.stop(request.instanceId(), Duration.ofSeconds(10));
        InstanceStatus end = recorder.awaitEnd(RUN);

        List<String> console = Files.readAllLines(request.instanceDir().resolve("console.log"));
        System.out.println("graceful stuck reference run ended: " + end);
        assertThat(console).contains("graceful: ProcessExit, stuck").doesNotContain(StraceWrapper.BEGIN);
        assertThat(end.state()).isEqualTo(InstanceState.Stopped);
        assertThat(end.reason()).isEqualTo("Quit");
        assertThat(end.message()).as("the stop's own powerdown wait, not the scheduler's 3 s").contains("still running after PT10S");
        assertThat(StraceParser.fromConsole(console).profile().names()).isEmpty();
    }

    private static LaunchRequest start(String sample, List<String> args, boolean server, Recorder recorder) {
        Image traced = IMAGES.computeIfAbsent(sample, name -> TestImages.buildTraced(name, work, server));
        String id = sample + "-" + String.join("-", args);
        LaunchRequest request = new LaunchRequest(id, traced, args, null, 512, instances.resolve(id), server ? ECHO_PORT : 0);
        scheduler.start(request, recorder);
        return request;
    }

    /** Running: the app's first console line, or for a server the readiness probe's answer. */
    private static InstanceStatus awaitRunning(Recorder recorder) {
        await().atMost(RUN).until(() -> recorder.saw(InstanceState.Running) || recorder.ended());
        assertThat(recorder.states()).as("reached Running before ending").contains(InstanceState.Running);
        return recorder.statuses().stream().filter(s -> s.state() == InstanceState.Running).findFirst().orElseThrow();
    }

    private static String get(String endpoint) throws IOException {
        String[] hostPort = endpoint.split(":");
        try (Socket socket = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
            socket.setSoTimeout((int) RUN.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: reference\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static List<String> tail(List<String> console) {
        return console.subList(Math.max(0, console.size() - 30), console.size());
    }
}
