package dev.unifarm.api.instances;

import dev.unifarm.api.testing.FarmClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import static dev.unifarm.api.testing.FarmClient.api;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;


/**
 * Issue 16's acceptance: a running HTTP app's QEMU runs as a uid of its own (not root, not the farm's)
 * under its seccomp filter, and as that uid another instance's console, the database and the API token
 * cannot be read. The instance's detail says what it runs under.
 */
@QuarkusTest
class ContainmentTest {

    private static final Duration BOOT = Duration.ofMinutes(3);

    @Test
    void testRunningQemu_isItsOwnUnprivilegedUserAndReachesNothingOfTheFarm() throws Exception {
        String web = FarmClient.uniqueName("jailed");
        api().multiPart("name", web).multiPart("bundle", FarmClient.sample("echo-http").toFile())
                .multiPart("spec", "{\"port\": 8080, \"memoryMiB\": 384}").post("/api/v1/apps").then().statusCode(201);
        String other = FarmClient.uniqueName("neighbour");
        FarmClient.upload(other, FarmClient.sample("hello")).then().statusCode(201);
        assertThat(FarmClient.awaitBuilt(web, 1).<String>path("state")).isEqualTo("Ready");
        assertThat(FarmClient.awaitBuilt(other, 1).<String>path("state")).isEqualTo("Ready");
        String neighbour = FarmClient.startInstance(other);
        FarmClient.awaitEnded(neighbour);
        String id = FarmClient.startInstance(web);
        try {
            await().atMost(BOOT).pollInterval(Duration.ofMillis(500)).until(() -> List.of("Running", "Failed", "Succeeded", "Stopped")
                    .contains(api().get("/api/v1/instances/" + id).path("state")));
            JsonPath detail = api().get("/api/v1/instances/" + id).then().statusCode(200).extract().jsonPath();
            assertThat(detail.getString("state")).as(detail.prettify()).isEqualTo("Running");

            Path dataDir = Path.of(ConfigProvider.getConfig().getValue("unifarm.data-dir", String.class)).toAbsolutePath().normalize();
            String pid = Files.readString(dataDir.resolve("instances").resolve(id).resolve("qemu.pid")).strip();
            List<String> status = Files.readAllLines(Path.of("/proc", pid, "status"));
            int farmUid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            int uid = Integer.parseInt(field(status, "Uid:").split("\\s+")[0]);
            assertThat(uid).as("QEMU's real uid").isNotZero().isNotEqualTo(farmUid);
            assertThat(field(status, "Uid:").split("\\s+")).as("real, effective, saved and fs uid").containsOnly(Integer.toString(uid));
            assertThat(field(status, "Seccomp:")).isEqualTo("2");
            assertThat(field(status, "CapEff:")).isEqualTo("0000000000000000");
            assertThat(field(status, "NoNewPrivs:")).isEqualTo("1");

            assertThat(detail.getInt("containment.uid")).isEqualTo(uid);
            assertThat(detail.getBoolean("containment.ownUser")).isTrue();
            assertThat(detail.getString("containment.sandbox")).startsWith("on,");
            assertThat(detail.getLong("containment.memoryLimitMiB")).isGreaterThan(384);
            assertThat(detail.getString("containment.cgroup")).contains("/unifarm/");

            Path db = dataDir.resolve("db").resolve("unifarm.mv.db");
            Path token = dataDir.resolve("api-token");
            Path neighbourConsole = dataDir.resolve("instances").resolve(neighbour).resolve("console.log");
            for (Path secret : List.of(db, token, neighbourConsole)) {
                assertThat(secret).as("the farm itself reads it").isReadable();
                assertThat(readAs(uid, secret)).as("reading " + secret + " as uid " + uid).contains("Permission denied");
            }
            // nothing of the farm's is open in QEMU: only its own dir's files, /dev/null and anonymous descriptors
            try (var fds = Files.list(Path.of("/proc", pid, "fd"))) {
                for (Path fd : fds.toList()) {
                    String target = Files.readSymbolicLink(fd).toString();
                    assertThat(target).as("fd " + fd.getFileName()).doesNotContain(dataDir.resolve("db").toString(), "api-token", neighbour);
                }
            }
        } finally {
            api().delete("/api/v1/instances/" + id);
        }
    }

    private static String field(List<String> status, String name) {
        return status.stream().filter(l -> l.startsWith(name)).findFirst().orElseThrow().substring(name.length()).strip();
    }

    /** {@code cat file} as {@code uid} (no groups, no capabilities): its stderr and exit status. */
    private static String readAs(int uid, Path file) throws IOException, InterruptedException {
        Process cat = new ProcessBuilder("setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups", "--inh-caps=-all",
                "--bounding-set=-all", "--", "cat", file.toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.PIPE).start();
        byte[] out = cat.getInputStream().readNBytes(4096);
        assertThat(cat.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return new String(out, StandardCharsets.UTF_8) + " (exit " + cat.exitValue() + ")";
    }
}
