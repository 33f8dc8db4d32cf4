package dev.unifarm.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EndpointTest {

    @Test
    void testParse_hostAndPortRoundTrip() {
        Endpoint endpoint = Endpoint.parse("127.0.0.1:34567");
        assertThat(endpoint.host()).isEqualTo("127.0.0.1");
        assertThat(endpoint.port()).isEqualTo(34567);
        assertThat(endpoint).hasToString("127.0.0.1:34567");
    }

    @Test
    void testParse_ipv6HostInBracketsKeepsItsColons() {
        Endpoint endpoint = Endpoint.parse("[fd00::1]:8080");
        assertThat(endpoint.host()).isEqualTo("[fd00::1]");
        assertThat(endpoint.port()).isEqualTo(8080);
    }

    @Test
    void testOnHost_samePortElsewhere() {
        assertThat(Endpoint.parse("127.0.0.1:40000").onHost("10.1.2.3")).hasToString("10.1.2.3:40000");
    }

    @Test
    void testParse_withoutPortIsRefused() {
        assertThatThrownBy(() -> Endpoint.parse("127.0.0.1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("host:port");
        assertThatThrownBy(() -> Endpoint.parse("127.0.0.1:")).isInstanceOf(IllegalArgumentException.class);
    }
}
