package dev.unifarm.api.apps;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The spec's {@code compat}: only {@code false} reaches the image builder (leaving the layer out); it round-trips. */
class AppSpecCompatTest {

    private final AppSpecParser parser = new AppSpecParser(new ObjectMapper(), Set.of("linux", "unikraft-elfloader-9pfs"));

    @Test
    void testCompatFalse_leavesTheLayerOut() {
        AppSpec spec = parser.parse("{\"kernel\": \"unikraft-elfloader-9pfs\", \"compat\": false}");

        assertThat(spec.compat()).isFalse();
        assertThat(spec.compatOverride()).isFalse();
        assertThat(parser.write(spec)).contains("\"compat\":false");
    }

    @Test
    void testCompatTrueOrUnset_theProfileDecides() {
        // true must not put the layer into a linux image: the profile decides, as when unset
        assertThat(parser.parse("{\"compat\": true}").compatOverride()).isNull();
        assertThat(parser.parse("{}").compatOverride()).isNull();
        assertThat(parser.write(parser.parse("{}"))).doesNotContain("compat");
    }
}
