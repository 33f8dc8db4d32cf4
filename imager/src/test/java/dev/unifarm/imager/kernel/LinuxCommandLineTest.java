package dev.unifarm.imager.kernel;

import static dev.unifarm.imager.ImagerFailures.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.unifarm.imager.model.ImagerException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class LinuxCommandLineTest {

    private static final String HOST = "/usr/share/dotnet/dotnet";

    @Test
    void testRender_envBeforeDashDashArgvAfter() {
        String line = LinuxCommandLine.render(HOST, List.of("/app/x.dll", "a", "b"), new TreeMap<>(Map.of("B", "2", "A", "1")));

        assertThat(line).isEqualTo("console=ttyS0 panic=-1 norandmaps no_timer_check quiet rdinit=/usr/share/dotnet/dotnet A=1 B=2 -- /app/x.dll a b");
    }

    @Test
    void testRender_validates() {
        failure("invalid-spec", () -> LinuxCommandLine.render(HOST, List.of("/app/x.dll", "two words"), Map.of()));
    }

    @Test
    void testRender_moreEnvThanLinuxPassesToInitIsRefused() {
        Map<String, String> env = new TreeMap<>();
        for (int i = 0; i <= LinuxCommandLine.MAX_ENV; i++) {
            env.put("VAR_" + i, "v");
        }

        ImagerException e = failure("invalid-spec", () -> LinuxCommandLine.render(HOST, List.of("/app/x.dll"), env));

        assertThat(e.getMessage()).contains(String.valueOf(LinuxCommandLine.MAX_ENV));
    }

    @Test
    void testRender_lineLongerThanLinuxAcceptsIsRefused() {
        ImagerException e = failure("invalid-spec",
                () -> LinuxCommandLine.render(HOST, List.of("/app/x.dll"), Map.of("LONG", "a".repeat(2100))));

        assertThat(e.getMessage()).contains("2047");
    }

    @Test
    void testRender_lineJustUnderTheLimitIsAccepted() {
        String line = LinuxCommandLine.render(HOST, List.of("/app/x.dll"), Map.of("LONG", "a".repeat(1900)));

        assertThat(line.length()).isLessThanOrEqualTo(2047);
    }

    @Test
    void testValidate_envNameWithDot() {
        ImagerException e = failure("invalid-spec", () -> validateEnv("a.b", "1"));

        assertThat(e.getMessage()).contains("a.b");
    }

    @Test
    void testValidate_envNameStartingWithDigit() {
        failure("invalid-spec", () -> validateEnv("1A", "1"));
    }

    @Test
    void testValidate_envValueWithSpace() {
        ImagerException e = failure("invalid-spec", () -> validateEnv("GREETING", "hello world"));

        assertThat(e.getMessage()).contains("GREETING");
    }

    @Test
    void testValidate_envValueWithDoubleQuote() {
        failure("invalid-spec", () -> validateEnv("GREETING", "say\"hi\""));
    }

    @Test
    void testValidate_emptyEnvValue() {
        failure("invalid-spec", () -> validateEnv("GREETING", ""));
    }

    @Test
    void testValidate_envValueWithEqualsAndPunctuation() {
        assertThatCode(() -> validateEnv("URL", "http://x:8080/p?q=1&r=2")).doesNotThrowAnyException();
    }

    @Test
    void testValidate_argWithSpace() {
        ImagerException e = failure("invalid-spec", () -> LinuxCommandLine.validate(List.of("/app/x.dll", "a b"), Map.of()));

        assertThat(e.getMessage()).contains("a b");
    }

    @Test
    void testValidate_emptyArg() {
        failure("invalid-spec", () -> LinuxCommandLine.validate(List.of("/app/x.dll", ""), Map.of()));
    }

    @Test
    void testValidate_thirtyArgumentsFit() {
        assertThatCode(() -> LinuxCommandLine.validate(argv(30), Map.of())).doesNotThrowAnyException();
    }

    @Test
    void testValidate_thirtyOneArgumentsDoNot() {
        ImagerException e = failure("invalid-spec", () -> LinuxCommandLine.validate(argv(31), Map.of()));

        assertThat(e.getMessage()).contains("at most 30 arguments");
    }

    @Test
    void testRender_valuesWithSpacesAndQuotesTravelBase64EncodedWhenInitDecodesThem() {
        String conn = "Host=db; Username=a b; Password=\"x$y\"";
        Map<String, String> env = new TreeMap<>(Map.of("A", "1", "CONN", conn, "EMPTY", "", "UTF", "caf\u00e0"));

        String line = LinuxCommandLine.render(HOST, List.of("/app/x.dll"), env, true);

        java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
        String word = "UNIFARM_ENV=" + String.join(",", List.of(
                b64.encodeToString(("CONN=" + conn).getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                b64.encodeToString("EMPTY=".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                b64.encodeToString("UTF=caf\u00e0".getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        assertThat(line).isEqualTo("console=ttyS0 panic=-1 norandmaps no_timer_check quiet rdinit=/usr/share/dotnet/dotnet A=1 "
                + word + " -- /app/x.dll");
    }

    @Test
    void testValidate_withoutInitAValueWithSpacesSaysWhatIsMissing() {
        ImagerException e = failure("invalid-spec", () -> validateEnv("CONN", "a b"));

        assertThat(e.getMessage()).contains("CONN", "no /init", "scripts/provision");
    }

    @Test
    void testValidate_nonAsciiNeedsInitToo() {
        // Linux's isspace() takes byte 0xA0 (inside UTF-8's "\u00e0") for a space
        failure("invalid-spec", () -> validateEnv("UTF", "caf\u00e0"));
        assertThatCode(() -> LinuxCommandLine.validate(List.of("/app/x.dll"), Map.of("UTF", "caf\u00e0"), true)).doesNotThrowAnyException();
    }

    @Test
    void testValidate_nulAndTheTransportNameAreRefusedEvenWithInit() {
        ImagerException nul = failure("invalid-spec",
                () -> LinuxCommandLine.validate(List.of("/app/x.dll"), Map.of("A", "x\u0000y"), true));
        ImagerException reserved = failure("invalid-spec",
                () -> LinuxCommandLine.validate(List.of("/app/x.dll"), Map.of("UNIFARM_ENV", "x"), true));

        assertThat(nul.getMessage()).contains("NUL");
        assertThat(reserved.getMessage()).contains("UNIFARM_ENV", "use another name");
    }

    private static void validateEnv(String name, String value) {
        LinuxCommandLine.validate(List.of("/app/x.dll"), Map.of(name, value));
    }

    /** The entrypoint followed by {@code args} arguments. */
    private static List<String> argv(int args) {
        List<String> argv = new java.util.ArrayList<>(List.of("/app/x.dll"));
        argv.addAll(Collections.nCopies(args, "x"));
        return argv;
    }
}
