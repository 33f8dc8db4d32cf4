package dev.unifarm.imager.rootfs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unifarm.imager.RealParts;
import dev.unifarm.imager.closure.HostElf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResumeHelperTest {

    @TempDir
    Path temp;

    @Test
    void testForKernel_provisionedKernelDirHasTheStaticHelper() {
        ResumeHelper resume = ResumeHelper.forKernel(RealParts.linuxKernel(), line -> { }).orElseThrow();

        assertThat(resume.binary()).isEqualTo(RealParts.linuxKernel().toAbsolutePath().getParent().resolve("guest/unifarm-resume"));
        // it runs in a guest that has no libc of its own
        assertThat(HostElf.read(resume.binary()).interpreter()).isNull();
    }

    @Test
    void testAddTo_helperAtItsProtocolPathExecutable() {
        ResumeHelper resume = ResumeHelper.forKernel(RealParts.linuxKernel(), line -> { }).orElseThrow();
        RootfsTree tree = new RootfsTree();

        resume.addTo(tree);

        RootfsEntry entry = tree.entries().stream().filter(e -> e.path().equals("/bin/unifarm-resume")).findFirst().orElseThrow();
        assertThat(entry).isEqualTo(new RootfsEntry.CopiedFile("/bin/unifarm-resume", 0755, resume.binary()));
    }

    @Test
    void testAppendTo_startsTheHelperInTheBackgroundWithAnEmptyEnv() {
        ResumeHelper resume = ResumeHelper.forKernel(RealParts.linuxKernel(), line -> { }).orElseThrow();
        StringBuilder script = new StringBuilder();

        resume.appendTo(script);

        assertThat(script.toString()).endsWith("\nb env -i /bin/unifarm-resume &\n");
    }

    @Test
    void testForKernel_kernelDirWithoutTheHelperIsLoggedAndLeftOut() throws Exception {
        Path kernel = Files.writeString(temp.resolve("vmlinuz"), "not a kernel");
        List<String> log = new ArrayList<>();

        assertThat(ResumeHelper.forKernel(kernel, log::add)).isEmpty();
        assertThat(log).singleElement().asString().contains("guest/unifarm-resume", "scripts/provision", "boots only");
    }
}
