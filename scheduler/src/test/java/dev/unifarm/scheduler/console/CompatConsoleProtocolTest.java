package dev.unifarm.scheduler.console;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The compatibility layer's end line as a wait status (the C side prints it: imager/src/main/c/unifarm-compat.c). */
class CompatConsoleProtocolTest {

    @Test
    void testWaitStatus_exitLineIsAnExitCode() {
        assertThat(CompatConsoleProtocol.waitStatus("unifarm-compat: exit 0")).hasValue(0);
        assertThat(CompatConsoleProtocol.waitStatus("unifarm-compat: exit 1")).hasValue(0x100);
        assertThat(CompatConsoleProtocol.waitStatus("unifarm-compat: exit 255\r")).hasValue(0xff00);
        assertThat(LinuxConsoleProtocol.exitCode(CompatConsoleProtocol.waitStatus("unifarm-compat: exit 42").getAsInt())).isEqualTo(42);
    }

    @Test
    void testWaitStatus_abortIsSigabrt() {
        int status = CompatConsoleProtocol.waitStatus("unifarm-compat: abort").getAsInt();

        assertThat(LinuxConsoleProtocol.killedBySignal(status)).isTrue();
        assertThat(LinuxConsoleProtocol.exitCode(status)).isEqualTo(134);
    }

    @Test
    void testWaitStatus_afterAppOutputWithoutNewline() {
        assertThat(CompatConsoleProtocol.waitStatus("no newline at the endunifarm-compat: exit 7")).hasValue(0x700);
    }

    @Test
    void testWaitStatus_aKernelTraceQuotingTheWriteIsNotTheLine() {
        // app-elfloader's syscall shim prints the layer's own write after it
        assertThat(CompatConsoleProtocol.waitStatus("write(fd:2, \"unifarm-compat: exit 0\\x0A\", 23) = 23")).isEmpty();
        assertThat(CompatConsoleProtocol.waitStatus("write(fd:2, \"unifarm-compat: exit\"..., 23) = 23")).isEmpty();
        assertThat(CompatConsoleProtocol.waitStatus("write(fd:2, \"unifarm-compat: abort\\n\", 22) = 22")).isEmpty();
        assertThat(CompatConsoleProtocol.waitStatus("unifarm-compat: exit 0 and more")).isEmpty();
        assertThat(CompatConsoleProtocol.waitStatus("unifarm-compat: exit 256")).isEmpty();
        assertThat(CompatConsoleProtocol.waitStatus("unifarm-compat: exit")).isEmpty();
        assertThat(CompatConsoleProtocol.waitStatus("Hello from Unifarm!")).isEmpty();
    }

    @Test
    void testQemuExitStatus_isaDebugExitKeepsSevenBits() {
        assertThat(CompatConsoleProtocol.qemuExitStatus(0)).isEqualTo(1);
        assertThat(CompatConsoleProtocol.qemuExitStatus(1)).isEqualTo(3);
        assertThat(CompatConsoleProtocol.qemuExitStatus(134)).isEqualTo(13);
    }

    @Test
    void testLineFormatIsTheOneTheLayerPrints() throws Exception {
        String source = java.nio.file.Files.readString(java.nio.file.Path.of(System.getProperty("user.dir"))
                .resolveSibling("imager/src/main/c/unifarm-compat.c"));

        assertThat(source).contains("#define LINE_PREFIX \"unifarm-compat: \"").contains("\"exit %d\"").contains("say(\"abort\")");
        assertThat(CompatConsoleProtocol.EXIT).isEqualTo("unifarm-compat: " + "exit ");
        assertThat(CompatConsoleProtocol.ABORT).isEqualTo("unifarm-compat: " + "abort");
    }
}
