package dev.unifarm.api.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unifarm.api.gateway.PoolMember.Phase;
import dev.unifarm.scheduler.Endpoint;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PoolMembersTest {

    private static final ScalingPolicy TWO_EACH = new ScalingPolicy(0, 4, Duration.ofMinutes(5), 2);

    private static PoolMember ready(PoolMembers members, String id, int inFlight) {
        PoolMember member = new PoolMember(id, 0);
        members.startAsked();
        members.startEnded(member);
        member.ready(Endpoint.parse("127.0.0.1:8080"), 0);
        member.inFlight = inFlight;
        return member;
    }

    @Test
    void testLeastLoaded_readyMemberWithRoomAndFewestInFlight() {
        PoolMembers members = new PoolMembers();
        ready(members, "full", 2);
        PoolMember one = ready(members, "one", 1);
        ready(members, "also-one", 1);

        assertThat(members.leastLoaded(TWO_EACH)).isSameAs(one);
        one.inFlight = 2;
        assertThat(members.leastLoaded(TWO_EACH).id).isEqualTo("also-one");
    }

    @Test
    void testLive_countsStartsUnderWayAndLeavesOutMembersBeingStopped() {
        PoolMembers members = new PoolMembers();
        members.startAsked();
        ready(members, "a", 0).phase = Phase.STOPPING;
        ready(members, "b", 3);

        assertThat(members.live()).isEqualTo(2);
        assertThat(members.inFlight()).isEqualTo(3);
        members.startEnded(null);
        assertThat(members.live()).isEqualTo(1);
    }

    @Test
    void testMarkLateBoots_stopsOnlyBootsOlderThanTheTimeoutAndKeepsTheOldestBootingKnown() {
        PoolMembers members = new PoolMembers();
        PoolMember old = new PoolMember("old", 0);
        PoolMember young = new PoolMember("young", Duration.ofSeconds(50).toNanos());
        members.startAsked();
        members.startEnded(old);
        members.startAsked();
        members.startEnded(young);

        assertThat(members.oldestBooting()).isSameAs(old);
        assertThat(members.markLateBoots(Duration.ofSeconds(60).toNanos(), Duration.ofSeconds(60))).containsExactly(old);
        assertThat(old.phase).isEqualTo(Phase.STOPPING);
        assertThat(members.oldestBooting()).isSameAs(young);
    }
}
