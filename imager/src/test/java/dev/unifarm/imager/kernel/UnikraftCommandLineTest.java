package dev.unifarm.imager.kernel;

import static dev.unifarm.imager.ImagerFailures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.unifarm.imager.model.CommandLineKind;
import dev.unifarm.imager.model.DotnetRuntime;
import dev.unifarm.imager.model.ImagerException;
import dev.unifarm.imager.model.KernelProfile.Delivery;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The unikraft renderer against the boot line that ran .NET on a real app-elfloader (fixtures README). */
class UnikraftCommandLineTest {

    private static final String LOADER = "/lib64/ld-linux-x86-64.so.2";
    private static final String HOST = "/usr/share/dotnet/dotnet";
    private static final List<String> DOTNET = List.of(LOADER, HOST, "/app/hello.dll");

    @Test
    void testRender_recordedDotnetCaseOn9pfs() {
        String line = UnikraftCommandLine.render(Delivery.NINE_P, DOTNET, Map.of("COMPlus_EnableDiagnostics", "0"), 8);

        assertThat(line).isEqualTo("vfs.fstab=[ \"fs0:/:9pfs\" ] env.vars=[ COMPlus_EnableDiagnostics=0 ]"
                + " -- /lib64/ld-linux-x86-64.so.2 /usr/share/dotnet/dotnet /app/hello.dll");
    }

    @Test
    void testRender_recordedDotnetCaseWithImageEnv() {
        String line = UnikraftCommandLine.render(Delivery.NINE_P, DOTNET, new TreeMap<>(DotnetRuntime.RUNTIME_ENV), 8);

        assertThat(line).isEqualTo("vfs.fstab=[ \"fs0:/:9pfs\" ] env.vars=[ COMPlus_EnableDiagnostics=0"
                + " DOTNET_EnableDiagnostics=0 DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 ]"
                + " -- /lib64/ld-linux-x86-64.so.2 /usr/share/dotnet/dotnet /app/hello.dll");
    }

    @Test
    void testRender_initrdFstabFirst() {
        String line = UnikraftCommandLine.render(Delivery.INITRD, List.of(HOST, "/app/hello.dll", "a"), Map.of("FOO", "bar"), 8);

        assertThat(line).isEqualTo("vfs.fstab=[ \"initrd0:/:extract:::\" ] env.vars=[ FOO=bar ] -- /usr/share/dotnet/dotnet /app/hello.dll a");
    }

    @Test
    void testRender_noEnvNoEnvVars() {
        String line = UnikraftCommandLine.render(Delivery.NINE_P, List.of(HOST), Map.of(), 8);

        assertThat(line).isEqualTo("vfs.fstab=[ \"fs0:/:9pfs\" ] -- /usr/share/dotnet/dotnet");
    }

    @Test
    void testRender_separatorFollowsParameters() {
        String line = UnikraftCommandLine.render(Delivery.INITRD, List.of(HOST, "--", "x"), Map.of("A", "1"), 8);

        assertThat(line.indexOf(" -- ")).as("the first -- ends the parameters").isGreaterThan(line.indexOf("env.vars=[ A=1 ]"));
        assertThat(line).startsWith("vfs.fstab=[ ").endsWith("-- /usr/share/dotnet/dotnet -- x");
    }

    @Test
    void testRender_valueWithSpacesDoubleQuoted() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("GREETING", "hello world");
        String line = UnikraftCommandLine.render(Delivery.INITRD, List.of(HOST, "two words"), env, 8);

        assertThat(line).contains("env.vars=[ \"GREETING=hello world\" ]").endsWith("-- /usr/share/dotnet/dotnet \"two words\"");
    }

    @Test
    void testRender_valueWithDoubleQuoteSingleQuoted() {
        String line = UnikraftCommandLine.render(Delivery.INITRD, List.of(HOST, "say \"hi\""), Map.of("Q", "a\"b"), 8);

        assertThat(line).contains("env.vars=[ 'Q=a\"b' ]").endsWith(" 'say \"hi\"'");
    }

    @Test
    void testRender_connectionStringIsOneSingleQuotedEntry() {
        String line = UnikraftCommandLine.render(Delivery.INITRD, List.of(HOST),
                Map.of("CONN", "Host=db; Username=a b; Password=\"x$y\""), 8);

        assertThat(line).contains("env.vars=[ 'CONN=Host=db; Username=a b; Password=\"x$y\"' ]");
    }

    @Test
    void testRender_apostropheQuotedSoItOpensNoQuote() {
        String line = UnikraftCommandLine.render(Delivery.INITRD, List.of(HOST, "it's"), Map.of(), 8);

        assertThat(line).endsWith(" \"it's\"");
    }

    @Test
    void testRender_bothQuoteKindsRefused() {
        ImagerException e = failure("invalid-spec",
                () -> UnikraftCommandLine.render(Delivery.INITRD, List.of(HOST), Map.of("MIXED", "it's \"x\""), 8));

        assertThat(e.getMessage()).contains("MIXED").contains("both");
    }

    @Test
    void testRender_controlCharacterRefused() {
        failure("invalid-spec", () -> UnikraftCommandLine.render(Delivery.INITRD, List.of(HOST, "a\nb"), Map.of(), 8));
    }

    @Test
    void testRender_emptyArgumentRefused() {
        failure("invalid-spec", () -> UnikraftCommandLine.render(Delivery.INITRD, List.of(HOST, ""), Map.of(), 8));
    }

    @Test
    void testRender_valueEndingInBracketRefused() {
        ImagerException e = failure("invalid-spec",
                () -> UnikraftCommandLine.render(Delivery.INITRD, List.of(HOST), Map.of("LIST", "[a]"), 8));

        assertThat(e.getMessage()).contains("LIST").contains("env.vars");
    }

    @Test
    void testRender_dottedEnvNameRefused() {
        failure("invalid-spec", () -> UnikraftCommandLine.render(Delivery.INITRD, List.of(HOST), Map.of("a.b", "1"), 8));
    }

    @Test
    void testRender_moreEnvThanProfileAllowsRefused() {
        Map<String, String> env = new TreeMap<>();
        for (int i = 0; i < 9; i++) {
            env.put("V" + i, "x");
        }

        ImagerException e = failure("invalid-spec", () -> UnikraftCommandLine.render(Delivery.INITRD, List.of(HOST), env, 8));

        assertThat(e.getMessage()).contains("at most 8").contains("9");
    }

    @Test
    void testRender_tooManyWordsRefused() {
        List<String> program = new java.util.ArrayList<>(List.of(HOST));
        for (int i = 0; i < UnikraftCommandLine.MAX_TOKENS; i++) {
            program.add("a" + i);
        }

        failure("invalid-spec", () -> UnikraftCommandLine.render(Delivery.INITRD, program, Map.of(), 8));
    }

    @Test
    void testKind_unikraftPutsLoaderBeforeHost() {
        String line = KernelCommandLine.render(CommandLineKind.UNIKRAFT, new KernelCommandLine.Launch(Delivery.NINE_P, 8, LOADER, HOST,
                List.of("/app/hello.dll", "x"), Map.of("COMPlus_EnableDiagnostics", "0")));

        assertThat(line).isEqualTo("vfs.fstab=[ \"fs0:/:9pfs\" ] env.vars=[ COMPlus_EnableDiagnostics=0 ]"
                + " -- /lib64/ld-linux-x86-64.so.2 /usr/share/dotnet/dotnet /app/hello.dll x");
    }

    @Test
    void testKind_linuxUnchangedAndIgnoresLoader() {
        Map<String, String> env = new TreeMap<>(Map.of("A", "b"));
        String line = KernelCommandLine.render(CommandLineKind.LINUX, new KernelCommandLine.Launch(Delivery.INITRD, 30, LOADER, HOST,
                List.of("/app/hello.dll"), env));

        assertThat(line).isEqualTo(LinuxCommandLine.render(HOST, List.of("/app/hello.dll"), env))
                .isEqualTo("console=ttyS0 panic=-1 norandmaps no_timer_check quiet rdinit=/usr/share/dotnet/dotnet A=b -- /app/hello.dll");
    }
}
