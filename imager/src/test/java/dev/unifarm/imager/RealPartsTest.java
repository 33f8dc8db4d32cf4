package dev.unifarm.imager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import dev.unifarm.imager.model.RuntimeVersion;
import org.junit.jupiter.api.Test;

class RealPartsTest {

    @Test
    void testParts_provisioned() {
        assertThat(RealParts.runtimeStore().installed(RealParts.FRAMEWORK)).contains(RuntimeVersion.parse("2.0.0"));
        assertThat(RealParts.linuxKernel()).isRegularFile();
        assertThat(RealParts.sample("hello")).isRegularFile().hasFileName("hello.zip");
        assertThat(RealParts.sampleDir("hello").resolve("hello.dll")).isRegularFile();
    }

    @Test
    void testSample_missingPartSaysWhatToRun() {
        assertThatIllegalStateException().isThrownBy(() -> RealParts.sample("no-such-sample"))
                .withMessageContaining("no-such-sample").withMessageContaining("scripts/provision");
    }
}
