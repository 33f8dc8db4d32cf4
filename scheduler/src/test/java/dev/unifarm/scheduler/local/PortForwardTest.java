package dev.unifarm.scheduler.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PortForwardTest {

    @Test
    void testLoopback_bindsAndShowsLoopback() {
        PortForward forward = new PortForward("127.0.0.1", 40001, 8080);
        assertThat(forward.qemuArgs(false)).contains("user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:40001-:8080");
        assertThat(forward.qemuArgs(true)).contains("user,id=n0,hostfwd=tcp:127.0.0.1:40001-:8080");
        assertThat(forward.endpoint()).isEqualTo("127.0.0.1:40001");
    }

    @Test
    void testWildcard_bindsEveryAddressAndIsReachedOnLoopbackHere() {
        PortForward forward = PortForward.toGuest("0.0.0.0", 8080);
        assertThat(forward.qemuArgs(false)).contains("user,id=n0,restrict=on,hostfwd=tcp:0.0.0.0:" + forward.hostPort() + "-:8080");
        assertThat(forward.hostPort()).isPositive();
        assertThat(forward.reachableHost()).isEqualTo("127.0.0.1");
        assertThat(forward.endpoint()).isEqualTo("127.0.0.1:" + forward.hostPort());
    }
}
