package dev.unifarm.imager.rootfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unifarm.imager.RealParts;
import dev.unifarm.imager.model.ImagerException;
import dev.unifarm.imager.model.TraceOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GuestInitTest {

    @TempDir
    Path temp;

    @Test
    void testAddTo_busyboxBothStepsModulesAndInitThatExecsTheHost() throws Exception {
        Path kernel = RealParts.linuxKernel();
        PowerButton power = PowerButton.forKernel(kernel, line -> { }).orElseThrow();
        GuestNetwork network = GuestNetwork.forKernel(kernel, GuestInit.HOST_BUSYBOX);
        GuestInit init = new GuestInit(GuestInit.HOST_BUSYBOX, power, network);
        RootfsTree tree = new RootfsTree();

        init.addTo(tree, "/usr/share/dotnet/dotnet");

        assertThat(tree.contains("/bin/busybox")).isTrue();
        List<String> modules = new ArrayList<>(power.modules());
        modules.addAll(network.modules());
        assertThat(modules).allSatisfy(m -> assertThat(tree.contains("/lib/modules/unifarm/" + m)).as(m).isTrue());
        RootfsEntry entry = tree.entries().stream().filter(e -> e.path().equals("/init")).findFirst().orElseThrow();
        assertThat(((RootfsEntry.GeneratedFile) entry).mode()).isEqualTo(0755);
        String script = init.script("/usr/share/dotnet/dotnet");
        assertThat(script).startsWith("#!/bin/busybox sh\n").endsWith("exec /usr/share/dotnet/dotnet \"$@\"\n");
        // The watcher is in place before the (slower) network comes up.
        assertThat(script.indexOf("kill -TERM 1")).isLessThan(script.indexOf("ip link set eth0 up"));
        // The steps run in a subshell: their variables (d, major, minor) never reach the app's env.
        assertThat(script).contains("\n(\n# power button").contains("ip route add default via 10.0.2.2\n)\n# env:");
    }

    @Test
    void testScript_resumeHelperStartsAfterPowerAndNetworkInTheSubshellBeforeEnvAndHost() {
        Path kernel = RealParts.linuxKernel();
        PowerButton power = PowerButton.forKernel(kernel, line -> { }).orElseThrow();
        GuestNetwork network = GuestNetwork.forKernel(kernel, GuestInit.HOST_BUSYBOX);
        ResumeHelper resume = ResumeHelper.forKernel(kernel, line -> { }).orElseThrow();
        GuestInit init = new GuestInit(GuestInit.HOST_BUSYBOX, power, network, resume, null);
        RootfsTree tree = new RootfsTree();

        init.addTo(tree, "/usr/share/dotnet/dotnet");
        String script = init.script("/usr/share/dotnet/dotnet");

        assertThat(tree.contains("/bin/unifarm-resume")).isTrue();
        assertThat(init.resumeHelper()).isTrue();
        // in the steps' subshell, after the network, and before the env step decodes the app's variables
        assertThat(script).contains("ip route add default via 10.0.2.2\n# resume helper")
                .contains("b env -i /bin/unifarm-resume &\n)\n# env:")
                .endsWith("exec /usr/share/dotnet/dotnet \"$@\"\n");
    }

    @Test
    void testScript_resumeHelperAloneStillGetsTheSubshell() {
        ResumeHelper resume = ResumeHelper.forKernel(RealParts.linuxKernel(), line -> { }).orElseThrow();

        String script = new GuestInit(GuestInit.HOST_BUSYBOX, null, null, resume, null).script("/usr/share/dotnet/dotnet");

        assertThat(script).contains("\n(\n# resume helper").contains("/bin/unifarm-resume &\n)\n# env:")
                .doesNotContain("eth0", "kill -TERM 1");
    }

    @Test
    void testScript_tracedImageStartsTheHelperBeforeStraceSoItIsNotTraced() {
        ResumeHelper resume = ResumeHelper.forKernel(RealParts.linuxKernel(), line -> { }).orElseThrow();

        String script = new GuestInit(GuestInit.HOST_BUSYBOX, null, null, resume,
                new StraceWrapper(TraceOptions.of(TraceOptions.HOST_STRACE))).script("/usr/share/dotnet/dotnet");

        // strace -f follows only the host it starts; the helper was started (and left) before it
        assertThat(script.indexOf("/bin/unifarm-resume &")).isPositive().isLessThan(script.indexOf("/usr/bin/strace"));
        assertThat(script).contains("/usr/bin/strace -D -f -q -C -e signal=none -o /tmp/unifarm.strace /usr/share/dotnet/dotnet \"$@\" &\n");
    }

    @Test
    void testScript_powerOnlyHasNoNetwork() {
        PowerButton power = PowerButton.forKernel(RealParts.linuxKernel(), line -> { }).orElseThrow();

        String script = new GuestInit(GuestInit.HOST_BUSYBOX, power, null).script("/usr/share/dotnet/dotnet");

        assertThat(script).contains("kill -TERM 1").doesNotContain("eth0", "unifarm-resume");
    }

    @Test
    void testScript_tracedRunsTheHostUnderStraceForwardsSigtermPrintsTheTraceAndExitsWithItsStatus() {
        GuestInit init = new GuestInit(GuestInit.HOST_BUSYBOX, null, null, new StraceWrapper(TraceOptions.of(TraceOptions.HOST_STRACE)));
        RootfsTree tree = new RootfsTree();

        init.addTo(tree, "/usr/share/dotnet/dotnet");
        String script = init.script("/usr/share/dotnet/dotnet");

        assertThat(tree.contains("/usr/bin/strace")).isTrue();
        assertThat(script).doesNotContain("exec ")
                .contains("/usr/bin/strace -D -f -q -C -e signal=none -o /tmp/unifarm.strace /usr/share/dotnet/dotnet \"$@\" &\napp=$!\n")
                .endsWith("echo " + StraceWrapper.END + "\nexit $rc\n");
        // SIGTERM to PID 1 (the power button) is forwarded to the app, whose status wait returns
        assertThat(script.indexOf("trap '")).isLessThan(script.indexOf("/usr/bin/strace"));
        assertThat(script).contains("kill -TERM $app' TERM\n").contains("wait $app; r=$?");
        // the trace is printed only once strace's -c table has its closing row
        assertThat(script.indexOf("grep -q ' total$' /tmp/unifarm.strace")).isGreaterThan(script.indexOf("wait $app"))
                .isLessThan(script.indexOf(StraceWrapper.BEGIN));
        assertThat(script.indexOf(StraceWrapper.BEGIN)).isLessThan(script.indexOf("b cat /tmp/unifarm.strace"));
    }

    @Test
    void testScript_injectedEnosysFailsTheNamedSyscallsSortedInOneInjectOption() {
        TraceOptions options = TraceOptions.of(TraceOptions.HOST_STRACE).failingWithEnosys(List.of("mknodat", "clone3", "mknodat"));
        String script = new GuestInit(GuestInit.HOST_BUSYBOX, null, null, new StraceWrapper(options)).script("/usr/share/dotnet/dotnet");

        assertThat(script).contains("/usr/bin/strace -D -f -q -C -e signal=none -e inject=clone3,mknodat:error=ENOSYS"
                + " -o /tmp/unifarm.strace /usr/share/dotnet/dotnet \"$@\" &\n");
    }

    @Test
    void testTraceOptions_sameSetInAnyOrderIsEqualUnknownNameRefused() {
        TraceOptions a = new TraceOptions(TraceOptions.HOST_STRACE, List.of("rseq", "clone3", "rseq"));

        assertThat(a).isEqualTo(new TraceOptions(TraceOptions.HOST_STRACE, List.of("clone3", "rseq")));
        assertThat(a.failWithEnosys()).containsExactly("clone3", "rseq");
        assertThatThrownBy(() -> a.failingWithEnosys(List.of("mknodat", "mknod_at")))
                .isInstanceOfSatisfying(ImagerException.class, e -> assertThat(e.type()).isEqualTo("unknown-syscall"))
                .hasMessageContaining("'mknod_at'").hasMessageContaining("not a Linux x86_64 syscall name");
        assertThatThrownBy(() -> TraceOptions.of(TraceOptions.HOST_STRACE).failingWithEnosys(List.of("%file")))
                .isInstanceOfSatisfying(ImagerException.class, e -> assertThat(e.type()).isEqualTo("unknown-syscall"));
    }

    @Test
    void testStraceWrapper_missingBinaryNamesProvision() {
        assertThatThrownBy(() -> new StraceWrapper(TraceOptions.of(temp.resolve("strace"))))
                .isInstanceOfSatisfying(ImagerException.class, e -> assertThat(e.type()).isEqualTo("strace-missing"))
                .hasMessageContaining("scripts/provision");
    }

    @Test
    void testScript_withoutOtherStepsStillDecodesEnvThenExecsTheHost() {
        String script = new GuestInit(GuestInit.HOST_BUSYBOX, null, null).script("/usr/share/dotnet/dotnet");

        assertThat(script).contains("b base64 -d").doesNotContain("eth0", "kill -TERM 1")
                .endsWith("exec /usr/share/dotnet/dotnet \"$@\"\n");
    }

    @Test
    void testIsStatic_hostBusyboxYesJavaLauncherNo() {
        assertThat(GuestInit.isStatic(GuestInit.HOST_BUSYBOX)).isTrue();
        assertThat(GuestInit.isStatic(Path.of(System.getProperty("java.home"), "bin", "java"))).isFalse();
        assertThat(GuestInit.isStatic(temp.resolve("missing"))).isFalse();
    }

    @Test
    void testModuleList_pathOutsideTheKernelDirIsRefused() throws Exception {
        Path modules = Files.createDirectories(temp.resolve("modules"));
        Path list = Files.writeString(modules.resolve("power-order"), "../../etc/passwd.ko\n");

        assertThatThrownBy(() -> GuestInit.moduleList(list, modules, "power-unsupported"))
                .isInstanceOfSatisfying(ImagerException.class, e -> assertThat(e.type()).isEqualTo("power-unsupported"))
                .hasMessageContaining("power-order");
    }
}
