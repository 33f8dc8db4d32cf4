package dev.unifarm.imager.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DigestsTest {

    /** sha256("abc"), FIPS 180-2 test vector. */
    private static final String ABC = "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @TempDir
    Path temp;

    @Test
    void testOf_bytes() {
        assertThat(Digests.of("abc".getBytes(StandardCharsets.US_ASCII))).isEqualTo(ABC);
    }

    @Test
    void testOf_fileMatchesBytes() throws IOException {
        Path file = Files.writeString(temp.resolve("abc"), "abc");

        assertThat(Digests.of(file)).isEqualTo(ABC);
    }

    @Test
    void testHex_stripsPrefix() {
        assertThat(Digests.hex(ABC)).isEqualTo(ABC.substring("sha256:".length())).hasSize(64);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "sha256:../../x",
        "sha256:../../../../etc/passwd",
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        "sha256:BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD",
        "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015",
        "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad/x",
        "sha512:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        ""})
    void testHex_refusesWhatIsNotASha256Digest(String digest) {
        assertThatIllegalArgumentException().isThrownBy(() -> Digests.hex(digest));
    }
}
