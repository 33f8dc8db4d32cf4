package dev.unifarm.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Least privilege: one namespaced Role with exactly what the farm's code calls, bound to the farm's ServiceAccount. */
class ChartRbacTest {

    @Test
    void role_grantsExactlyLauncherPodsEventsDotnetAppsAndLeases() {
        Role role = ChartContentTest.only(RenderedObjects.parse(Charts.template(null)), Role.class);

        assertThat(role.getRules().stream().map(ChartRbacTest::describe)).containsExactlyInAnyOrder(
                " pods: create delete get list watch",
                " events: create patch",
                "unifarm.dev dotnetapps: get list watch update patch",
                "unifarm.dev dotnetapps/status: get update patch",
                "unifarm.dev dotnetapps/finalizers: update",
                "coordination.k8s.io leases: get create update");
    }

    @Test
    void rbac_hasNoWildcardAndNoClusterWideObject() {
        for (Path values : new Path[] {null, Charts.ALL_ON}) {
            List<HasMetadata> objects = RenderedObjects.parse(Charts.template(values));

            assertThat(objects).extracting(HasMetadata::getKind).doesNotContain("ClusterRole", "ClusterRoleBinding");
            List<PolicyRule> rules = objects.stream().filter(Role.class::isInstance)
                    .flatMap(r -> ((Role) r).getRules().stream()).toList();
            assertThat(rules).isNotEmpty();
            assertThat(rules).allSatisfy(rule -> assertThat(Stream.of(rule.getVerbs(), rule.getResources(), rule.getApiGroups())
                    .flatMap(List::stream)).as("rule %s", describe(rule)).noneMatch(s -> s.contains("*")));
        }
    }

    @Test
    void roleBinding_bindsTheRoleToTheFarmServiceAccountInTheReleaseNamespace() {
        List<HasMetadata> objects = RenderedObjects.parse(Charts.template(Charts.ALL_ON));
        RoleBinding binding = named(objects, RoleBinding.class, "unifarm-all-on");
        ServiceAccount account = ChartContentTest.only(objects, ServiceAccount.class);
        Role role = named(objects, Role.class, "unifarm-all-on");

        assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
        assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
            assertThat(s.getName()).isEqualTo(account.getMetadata().getName()).isEqualTo("unifarm-farm");
            assertThat(s.getNamespace()).isEqualTo(Charts.NAMESPACE);
        });
        assertThat(ChartContentTest.only(objects, Deployment.class)
                .getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo("unifarm-farm");
    }

    @Test
    void watchedNamespaces_eachGetDotnetAppsAndEventsOnlyBoundToTheFarm() {
        List<HasMetadata> objects = RenderedObjects.parse(Charts.template(Charts.ALL_ON));

        // all-on watches unifarm (the release namespace, covered by the main Role), team-a and team-b.
        List<Role> extra = objects.stream().filter(Role.class::isInstance).map(Role.class::cast)
                .filter(r -> r.getMetadata().getName().equals("unifarm-all-on-dotnetapps")).toList();
        assertThat(extra).extracting(r -> r.getMetadata().getNamespace()).containsExactlyInAnyOrder("team-a", "team-b");
        assertThat(extra).allSatisfy(role -> assertThat(role.getRules().stream().map(ChartRbacTest::describe))
                .containsExactlyInAnyOrder(" events: create patch", "unifarm.dev dotnetapps: get list watch update patch",
                        "unifarm.dev dotnetapps/status: get update patch", "unifarm.dev dotnetapps/finalizers: update"));
        List<RoleBinding> bindings = objects.stream().filter(RoleBinding.class::isInstance).map(RoleBinding.class::cast)
                .filter(b -> b.getMetadata().getName().equals("unifarm-all-on-dotnetapps")).toList();
        assertThat(bindings).extracting(b -> b.getMetadata().getNamespace()).containsExactlyInAnyOrder("team-a", "team-b");
        assertThat(bindings).allSatisfy(b -> assertThat(b.getSubjects()).singleElement()
                .satisfies(s -> assertThat(s.getNamespace() + "/" + s.getName()).isEqualTo("unifarm/unifarm-farm")));
    }

    private static <T extends HasMetadata> T named(List<HasMetadata> objects, Class<T> type, String name) {
        return objects.stream().filter(type::isInstance).map(type::cast).filter(o -> o.getMetadata().getName().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
    }

    private static String describe(PolicyRule rule) {
        return String.join(",", rule.getApiGroups()) + " " + String.join(",", rule.getResources()) + ": "
                + String.join(" ", rule.getVerbs());
    }
}
