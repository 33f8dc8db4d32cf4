package dev.unifarm.imager.rootfs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unifarm.imager.kernel.LinuxCommandLine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The linux profile's /init, run by the host's static busybox as the guest runs it: env arrives byte for byte. */
class GuestEnvTest {

    @TempDir
    Path temp;

    @Test
    void testInit_exportsEncodedValuesByteExactAndDropsTheTransport() throws Exception {
        Map<String, String> env = new TreeMap<>();
        env.put("CONN", "Host=db; Username=a b; Password=\"x$y\"");
        env.put("QUOTES", "'single' and \"double\" `tick` $(not run) \\ back");
        env.put("NEWLINES", "a\nb\n\n");
        env.put("EMPTY", "");
        env.put("UTF", "caf\u00e0 \u65e5\u672c");
        env.put("PLAIN", "x=1;y=2");
        String line = LinuxCommandLine.render("/init", List.of("/app/x.dll"), env, true);
        // What Linux hands init: the K=V words before "--" (none of these contains a space or quote)
        Map<String, String> kernelEnv = new HashMap<>();
        for (String word : line.substring(0, line.indexOf(" -- ")).split(" ")) {
            int eq = word.indexOf('=');
            if (eq > 0 && Character.isUpperCase(word.charAt(0))) {
                kernelEnv.put(word.substring(0, eq), word.substring(eq + 1));
            }
        }
        assertThat(kernelEnv).containsOnlyKeys("PLAIN", GuestEnv.VARIABLE);

        Map<String, String> seen = runInit(kernelEnv);

        assertThat(seen).containsAllEntriesOf(env).doesNotContainKey(GuestEnv.VARIABLE)
                .doesNotContainKeys("unifarm_w", "unifarm_e");
    }

    @Test
    void testInit_leavesTheAppsOwnVariablesAsTheKernelGaveThem() throws Exception {
        // The init reaches busybox by the name b.
        Map<String, String> env = Map.of("b", "mine", "PATH", "/usr/bin:/bin");

        Map<String, String> seen = runInit(env);

        assertThat(seen).containsAllEntriesOf(env);
    }

    @Test
    void testInit_withoutEncodedValuesChangesNothing() throws Exception {
        Map<String, String> seen = runInit(Map.of("A", "1"));

        assertThat(seen).containsEntry("A", "1").doesNotContainKey(GuestEnv.VARIABLE);
    }

    /** Runs /init's script (no other step) with {@code env} as its whole environment; the "app" prints its env NUL-separated. */
    private Map<String, String> runInit(Map<String, String> env) throws Exception {
        Path init = temp.resolve("init");
        Files.writeString(init, new GuestInit(GuestInit.HOST_BUSYBOX, null, null).script("/usr/bin/env"));
        ProcessBuilder builder = new ProcessBuilder(GuestInit.HOST_BUSYBOX.toString(), "sh", init.toString(), "-0");
        builder.environment().clear();
        builder.environment().putAll(env);
        builder.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process process = builder.start();
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        Map<String, String> seen = new HashMap<>();
        for (String entry : new String(out, StandardCharsets.UTF_8).split("\0")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                seen.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        return seen;
    }
}
