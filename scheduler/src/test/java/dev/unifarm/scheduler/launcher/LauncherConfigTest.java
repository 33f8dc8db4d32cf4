package dev.unifarm.scheduler.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unifarm.scheduler.AcceleratorSetting;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LauncherConfigTest {

    private static final String DIGEST = "sha256:" + "0f".repeat(32);

    @Test
    void testFromEnvironment_argumentsWin() {
        LauncherConfig config = LauncherConfig.from(Map.of(
                "UNIFARM_INSTANCE_ID", "i-1",
                "UNIFARM_IMAGE", "127.0.0.1:5000/unifarm/hello@" + DIGEST,
                "UNIFARM_REGISTRY_INSECURE", "true",
                "UNIFARM_MEMORY_MIB", "256"), "--memory-mib=384", "--app-port=8080", "--data-dir=/tmp/d");
        assertThat(config.memoryMiB()).isEqualTo(384);
        assertThat(config.appPort()).isEqualTo(8080);
        assertThat(config.dataDir()).isEqualTo(Path.of("/tmp/d"));
        assertThat(config.registryUrl()).isEqualTo("http://127.0.0.1:5000");
        assertThat(config.image()).isEqualTo(new LauncherConfig.ImageReference("127.0.0.1:5000", "unifarm/hello", DIGEST));
        assertThat(config.httpAddress().getPort()).isEqualTo(8080);
        assertThat(config.forwardHost()).as("loopback unless told otherwise").isEqualTo("127.0.0.1");
    }

    @Test
    void testForwardHost_fromEnvironmentOrArgument() {
        Map<String, String> env = Map.of("UNIFARM_INSTANCE_ID", "i-1", "UNIFARM_IMAGE", "r:5000/unifarm/hello@" + DIGEST,
                "UNIFARM_FORWARD_HOST", "0.0.0.0");
        assertThat(LauncherConfig.from(env).forwardHost()).isEqualTo("0.0.0.0");
        assertThat(LauncherConfig.from(env, "--forward-host=127.0.0.2").forwardHost()).isEqualTo("127.0.0.2");
    }

    @Test
    void testAccelerator_autoUnlessTheFarmSaysOtherwise() {
        Map<String, String> env = Map.of("UNIFARM_INSTANCE_ID", "i-1", "UNIFARM_IMAGE", "r:5000/unifarm/hello@" + DIGEST);
        assertThat(LauncherConfig.from(env).accelerator()).isEqualTo(AcceleratorSetting.auto);
        assertThat(LauncherConfig.from(env, "--accelerator=tcg").accelerator()).isEqualTo(AcceleratorSetting.tcg);
        assertThatThrownBy(() -> LauncherConfig.from(env, "--accelerator=whpx"))
                .hasMessage("accelerator must be one of auto, kvm, tcg; got \"whpx\"");
    }

    @Test
    void testImageReference_mustBeByDigest() {
        assertThatThrownBy(() -> LauncherConfig.ImageReference.parse("r:5000/unifarm/hello:latest"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LauncherConfig.ImageReference.parse("hello@" + DIGEST))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LauncherConfig.from(Map.of("UNIFARM_IMAGE", "r/x@" + DIGEST)))
                .hasMessageContaining("UNIFARM_INSTANCE_ID");
    }
}
