package dev.unifarm.api.coverage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.unifarm.scheduler.coverage.KernelSyscallTable;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link SupportPlan}: the greedy ranking, its ties and cumulative counts, and the shim and stub lists, on hand-made apps. */
class SupportPlanTest {

    @Test
    void testRanking_takesTheSyscallThatUnblocksMostAppsFirstWithCumulativeCounts() {
        SupportPlan plan = SupportPlan.of("uk", List.of(app("a", "x"), app("b", "x"), app("c", "y"), app("d", "y", "z"), app("e")));

        assertThat(plan.ranking()).extracting(SupportPlan.Step::syscall, SupportPlan.Step::requiredBy, SupportPlan.Step::appsRunnableAfter)
                .containsExactly(tuple("x", List.of("a", "b"), 3), tuple("y", List.of("c", "d"), 4), tuple("z", List.of("d"), 5));
        assertThat(plan.appsRunnableNow()).isEqualTo(1);
        assertThat(plan.sweptApps()).isEqualTo(5);
    }

    @Test
    void testRanking_unblockingNowBeatsBeingRequiredByMore() {
        // t is required by two apps but unblocks none alone; s unblocks a at once.
        SupportPlan plan = SupportPlan.of("uk", List.of(app("a", "s"), app("b", "t", "u"), app("c", "t", "v")));

        assertThat(plan.ranking()).extracting(SupportPlan.Step::syscall, SupportPlan.Step::appsRunnableAfter)
                .containsExactly(tuple("s", 1), tuple("t", 1), tuple("u", 2), tuple("v", 3));
    }

    @Test
    void testRanking_tiesGoToTheSyscallMoreAppsRequireThenToTheName() {
        // Nothing unblocks an app alone: n (two apps) first, then m and o (one each, one app each) by name.
        SupportPlan byRequired = SupportPlan.of("uk", List.of(app("a", "m", "n"), app("b", "n", "o")));
        // Each unblocks one app and is required by one: by name.
        SupportPlan byName = SupportPlan.of("uk", List.of(app("b", "q"), app("a", "p")));

        assertThat(byRequired.ranking()).extracting(SupportPlan.Step::syscall, SupportPlan.Step::appsRunnableAfter)
                .containsExactly(tuple("n", 0), tuple("m", 1), tuple("o", 2));
        assertThat(byName.ranking()).extracting(SupportPlan.Step::syscall, SupportPlan.Step::appsRunnableAfter)
                .containsExactly(tuple("p", 1), tuple("q", 2));
    }

    @Test
    void testOf_appsByNameWithRunsNow() {
        SupportPlan plan = SupportPlan.of("uk", List.of(app("zeta"), app("alpha", "openat")));

        assertThat(plan.apps()).extracting(AppSupport::app, AppSupport::runsNow).containsExactly(tuple("alpha", false), tuple("zeta", true));
    }

    @Test
    void testShimAndStub_listTheMissingFakeableAndStubbableSyscallsMostAppsFirst() {
        AppSupport a = new AppSupport("a", 1, Set.of(), Set.of("mlock", "msync"), Set.of("rseq", "clone3"));
        AppSupport b = new AppSupport("b", 1, Set.of("mknodat"), Set.of("msync"), Set.of("rseq"));

        SupportPlan plan = SupportPlan.of("uk", List.of(a, b));

        assertThat(plan.shim()).extracting(SupportPlan.Fix::syscall, SupportPlan.Fix::apps)
                .containsExactly(tuple("msync", List.of("a", "b")), tuple("mlock", List.of("a")));
        assertThat(plan.stub()).extracting(SupportPlan.Fix::syscall, SupportPlan.Fix::apps)
                .containsExactly(tuple("rseq", List.of("a", "b")), tuple("clone3", List.of("a")));
        assertThat(plan.ranking()).extracting(SupportPlan.Step::syscall).containsExactly("mknodat");
    }

    @Test
    void testOf_linuxHasEveryCallSoTheRankingIsEmpty() {
        AppSupport hello = AppSupport.of("hello", 1, NeedsConsoleLines.result("openat", "required", "mlock", "fakeable",
                "rseq", "stubbable"), KernelSyscallTable.linux());

        SupportPlan plan = SupportPlan.of("linux", List.of(hello));

        assertThat(plan.ranking()).isEmpty();
        assertThat(plan.shim()).isEmpty();
        assertThat(plan.stub()).isEmpty();
        assertThat(plan.appsRunnableNow()).isEqualTo(1);
    }

    @Test
    void testOf_noSweptAppsIsAnEmptyPlan() {
        SupportPlan plan = SupportPlan.of("uk", List.of());

        assertThat(plan.sweptApps()).isZero();
        assertThat(plan.ranking()).isEmpty();
    }

    private static AppSupport app(String name, String... blockers) {
        return new AppSupport(name, 1, Set.of(blockers), Set.of(), Set.of());
    }
}
