package dev.unifarm.api;

import dev.unifarm.api.testing.FarmClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;


/**
 * The README's walk-through as a user runs it: its {@code sh} blocks, extracted from README.md and run
 * with {@code bash -e} from the repository's root, with {@code UNIFARM_DATA_DIR} and {@code UNIFARM_URL}
 * naming this test farm (not the defaults a running farm would have).
 */
@QuarkusTest
class ReadmeWalkthroughTest {

    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    /** A bound so a wait that never ends fails the test instead of hanging the build; not a timing check. */
    private static final long SCRIPT_LIMIT_MINUTES = 10;

    @TempDir
    static Path temp;

    @Test
    void testWalkthrough_runsWithBashEAgainstAnyDataDirAndAddress() throws Exception {
        Run run = runScript(String.join("\n", walkthroughBlocks()), dataDir());
        System.out.println("README walk-through output:\n" + run.output());

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("Hello from Unifarm!\n", "args: []\n",
                "[unifarm] ended: Succeeded, exit code 0 (Completed)", ": Ready\n", ": Succeeded\n", "\"exitCode\":0");
        assertThat(run.output()).as("the app view leaves the kernel's init-exit panic out").doesNotContain("Kernel panic");
    }

    @Test
    void testWaitEnd_endsOnAFailedBuildShowingItsMessage() throws Exception {
        String app = FarmClient.uniqueName("readme-fails");
        FarmClient.upload(app, FarmClient.helloAsking("9.9.0")).then().statusCode(201);

        Run run = runScript(setupBlock() + "\nwait_end \"$FARM/api/v1/apps/" + app + "/revisions/1\"\necho after-the-wait\n",
                dataDir());

        assertThat(run.exitCode()).as(run.output()).isNotZero();
        assertThat(run.output()).contains("/api/v1/apps/" + app + "/revisions/1: Failed\n")
                .containsPattern("message: .*9\\.9\\.0").doesNotContain("after-the-wait");
    }

    @Test
    void testWaitEnd_endsOnAWrongTokenShowingTheProblem() throws Exception {
        Path otherDataDir = Files.createDirectories(temp.resolve("other-farm"));
        Files.writeString(otherDataDir.resolve("api-token"), "not-this-farms-token-at-all\n");

        Run run = runScript(setupBlock() + "\nwait_end \"$FARM/api/v1/apps/hello/revisions/1\"\necho after-the-wait\n",
                otherDataDir);

        assertThat(run.exitCode()).as(run.output()).isNotZero();
        assertThat(run.output()).as("curl's error and the farm's problem+json").contains("returned error: 401")
                .contains("\"status\":401").doesNotContain("after-the-wait");
    }

    /** The {@code sh} blocks under "## Walk-through", in order. */
    static List<String> walkthroughBlocks() throws IOException {
        List<String> lines = Files.readAllLines(REPO.resolve("README.md"));
        int start = lines.indexOf("## Walk-through");
        assertThat(start).as("README.md has a \"## Walk-through\" section").isNotNegative();
        List<String> blocks = new ArrayList<>();
        StringBuilder block = null;
        for (String line : lines.subList(start + 1, lines.size())) {
            if (block == null && line.startsWith("## ")) {
                break;
            }
            if (block == null && line.equals("```sh")) {
                block = new StringBuilder();
            } else if (block != null && line.equals("```")) {
                blocks.add(block.toString());
                block = null;
            } else if (block != null) {
                block.append(line).append('\n');
            }
        }
        assertThat(blocks).as("sh blocks of the walk-through").isNotEmpty();
        return blocks;
    }

    /** The first block: the farm's address, the token and the helpers ({@code farm}, {@code field}, {@code wait_end}). */
    private static String setupBlock() throws IOException {
        String setup = walkthroughBlocks().get(0);
        assertThat(setup).contains("wait_end()");
        return setup;
    }

    private static Run runScript(String script, Path dataDir) throws IOException, InterruptedException {
        Path file = Files.createTempFile(temp, "walkthrough", ".sh");
        Files.writeString(file, script);
        Path output = Files.createTempFile(temp, "walkthrough", ".out");
        ProcessBuilder builder = new ProcessBuilder("bash", "-e", file.toString()).directory(REPO.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        Map<String, String> env = builder.environment();
        env.put("UNIFARM_DATA_DIR", dataDir.toString());
        env.put("UNIFARM_URL", "http://127.0.0.1:" + RestAssured.port);
        Process process = builder.start();
        if (!process.waitFor(SCRIPT_LIMIT_MINUTES, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("the walk-through did not end within " + SCRIPT_LIMIT_MINUTES + " min:\n"
                    + Files.readString(output));
        }
        return new Run(process.exitValue(), Files.readString(output));
    }

    private static Path dataDir() {
        return Path.of(ConfigProvider.getConfig().getValue("unifarm.data-dir", String.class)).toAbsolutePath().normalize();
    }

    private record Run(int exitCode, String output) {
    }
}
