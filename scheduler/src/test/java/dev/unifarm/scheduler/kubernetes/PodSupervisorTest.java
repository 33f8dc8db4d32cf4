package dev.unifarm.scheduler.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

import dev.unifarm.scheduler.AcceleratorSetting;
import dev.unifarm.scheduler.Backoff;
import dev.unifarm.scheduler.InstanceState;
import dev.unifarm.scheduler.InstanceStatus;
import dev.unifarm.scheduler.RestartPolicy;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Kubernetes mode against fabric8's mock API server in CRUD mode (the tests' one stand-in: no real API
 * server can run here): the launcher Pod's spec, and Pod phases, deletion and failure driving the
 * instance's state and its restart policy.
 */
@EnableKubernetesMockClient(crud = true)
class PodSupervisorTest {

    private static final String NS = "farm";
    private static final String DIGEST = "sha256:" + "ab".repeat(32);
    private static final String IMAGE = "registry.example:5000/unifarm/hello@" + DIGEST;
    private static final Duration WAIT = Duration.ofSeconds(20);

    KubernetesClient client;

    private PodSupervisor launcher;

    @AfterEach
    void closeLauncher() {
        if (launcher != null) {
            launcher.close();
        }
    }

    private PodSupervisor launcher(LauncherPodConfig config) {
        launcher = new PodSupervisor(client, config,
                new Backoff(Duration.ofMillis(10), Duration.ofMillis(100), Duration.ofMinutes(2)), Clock.systemUTC());
        return launcher;
    }

    private static LauncherPodConfig config() {
        return LauncherPodConfig.defaults(NS, "ghcr.io/unifarm/launcher:0.1.0");
    }

    private static LauncherSpec spec(String id) {
        return new LauncherSpec(id, "hello", IMAGE, 384, 8080);
    }

    private List<Pod> pods() {
        return client.pods().inNamespace(NS).list().getItems();
    }

    private Pod onlyPod() {
        List<Pod> pods = pods();
        assertThat(pods).hasSize(1);
        return pods.get(0);
    }

    @Test
    void testPodSpec_labelsOwnerResourcesPlacementProbeAndImageByDigest() {
        OwnerReference owner = new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("Deployment")
                .withName("unifarm").withUid("0b6d7c2e-1111-2222-3333-444455556666").withController(true).build();
        Toleration kvmNodes = new TolerationBuilder().withKey("unifarm.dev/kvm").withOperator("Exists")
                .withEffect("NoSchedule").build();
        LauncherPodConfig config = config().withOwner(owner).withPlacement(Map.of("unifarm.dev/kvm", "true"), List.of(kvmNodes));
        launcher(config).launch(spec("i-1"), RestartPolicy.Never, status -> { });

        Pod pod = onlyPod();
        assertThat(pod.getMetadata().getName()).isEqualTo("unifarm-i-1-0");
        assertThat(pod.getMetadata().getLabels()).containsEntry("app.kubernetes.io/name", "unifarm-launcher")
                .containsEntry("unifarm.dev/app", "hello").containsEntry("unifarm.dev/instance", "i-1");
        assertThat(pod.getMetadata().getOwnerReferences()).containsExactly(owner);
        assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
        assertThat(pod.getSpec().getNodeSelector()).containsExactly(Map.entry("unifarm.dev/kvm", "true"));
        assertThat(pod.getSpec().getTolerations()).containsExactly(kvmNodes);

        Container c = pod.getSpec().getContainers().get(0);
        assertThat(c.getImage()).isEqualTo("ghcr.io/unifarm/launcher:0.1.0");
        Map<String, String> env = c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
        assertThat(env).containsEntry("UNIFARM_INSTANCE_ID", "i-1").containsEntry("UNIFARM_IMAGE", IMAGE)
                .containsEntry("UNIFARM_MEMORY_MIB", "384").containsEntry("UNIFARM_APP_PORT", "8080")
                .containsEntry("UNIFARM_HTTP_PORT", "8080")
                .as("the app's forward on the Pod's every address, so the farm reaches it at the Pod's IP")
                .containsEntry("UNIFARM_FORWARD_HOST", "0.0.0.0");
        assertThat(c.getArgs()).contains("--image=" + IMAGE, "--instance-id=i-1");
        assertThat(c.getResources().getRequests()).containsEntry("memory", new Quantity("512Mi"))
                .containsEntry("cpu", new Quantity("250m")).containsEntry("devices.kubevirt.io/kvm", new Quantity("1"));
        assertThat(c.getResources().getLimits()).containsEntry("memory", new Quantity("512Mi"))
                .containsEntry("devices.kubevirt.io/kvm", new Quantity("1"));
        assertThat(Quantity.getAmountInBytes(c.getResources().getRequests().get("memory")).longValue())
                .isEqualTo((384L + 128) * 1024 * 1024);
        assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/ready");
        assertThat(c.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("status");
        assertThat(c.getPorts()).extracting(p -> p.getName() + ":" + p.getContainerPort())
                .containsExactly("status:8080", "app:8080");
    }

    @Test
    void testPodSpec_noKvmResourceWhenNoneConfigured() {
        LauncherPodConfig tcg = new LauncherPodConfig(NS, "launcher:1", 64, "100m", null, 0, null, null, 9000, true, null,
                AcceleratorSetting.tcg, null);
        Pod pod = LauncherPods.pod(tcg, new LauncherSpec("x", "a", IMAGE, 256, null), 0);
        Container c = pod.getSpec().getContainers().get(0);
        assertThat(c.getResources().getLimits()).containsOnlyKeys("memory").containsEntry("memory", new Quantity("320Mi"));
        assertThat(pod.getMetadata().getOwnerReferences()).isEmpty();
        assertThat(pod.getSpec().getNodeSelector()).isNullOrEmpty();
        assertThat(c.getEnv()).extracting(EnvVar::getName).doesNotContain("UNIFARM_APP_PORT");
        assertThat(c.getEnv()).contains(new EnvVar("UNIFARM_REGISTRY_INSECURE", "true", null));
        assertThat(c.getEnv()).as("the farm's accelerator setting reaches the launcher")
                .contains(new EnvVar("UNIFARM_ACCELERATOR", "tcg", null));
    }

    @Test
    void testPodSpec_nonRootReadOnlyRootNoCapabilitiesRuntimeDefault_writesOnlyToEmptyDirs_onlyTheKvmDevice() {
        launcher(config()).launch(spec("i-1"), RestartPolicy.Never, status -> { });

        Pod pod = onlyPod();
        assertThat(pod.getSpec().getSecurityContext()).as("Pod level").isEqualTo(new PodSecurityContextBuilder()
                .withRunAsNonRoot(true).withRunAsUser(107L).withRunAsGroup(107L).withFsGroup(107L)
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().build());
        Container c = pod.getSpec().getContainers().get(0);
        assertThat(c.getSecurityContext()).as("container level").isEqualTo(new SecurityContextBuilder()
                .withAllowPrivilegeEscalation(false).withPrivileged(false).withReadOnlyRootFilesystem(true)
                .withNewCapabilities().withDrop("ALL").endCapabilities().build());
        assertThat(pod.getSpec().getAutomountServiceAccountToken()).as("the launcher never calls the API server").isFalse();

        // Everything the launcher writes: its data dir (image store, instance dir: console, QMP socket, pid file,
        // the accelerator probe's ROM) and the JVM's and QEMU's temporary files; nothing else is writable.
        Map<String, String> env = c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
        assertThat(c.getVolumeMounts()).extracting(m -> m.getName() + ":" + m.getMountPath() + ":" + m.getReadOnly())
                .containsExactly("data:" + env.get("UNIFARM_DATA_DIR") + ":null", "tmp:" + env.get("TMPDIR") + ":null");
        assertThat(env.get("TMPDIR")).isEqualTo("/tmp");
        assertThat(pod.getSpec().getVolumes()).extracting(Volume::getName).containsExactly("data", "tmp");
        assertThat(pod.getSpec().getVolumes()).allSatisfy(v -> {
            assertThat(v.getEmptyDir()).as(v.getName()).isNotNull();
            assertThat(v.getHostPath()).as(v.getName()).isNull();
        });
        assertThat(c.getVolumeDevices()).isNullOrEmpty();
        assertThat(c.getResources().getLimits()).as("no device but /dev/kvm, through its resource")
                .containsOnlyKeys("memory", "devices.kubevirt.io/kvm");
        assertThat(c.getResources().getRequests()).containsOnlyKeys("memory", "cpu", "devices.kubevirt.io/kvm");
        assertThat(pod.getSpec().getHostNetwork()).isNotEqualTo(Boolean.TRUE);
        assertThat(pod.getSpec().getHostPID()).isNotEqualTo(Boolean.TRUE);
    }

    @Test
    void testPodSpec_operatorsUidGidAndTheNodesKvmGroup() {
        LauncherPodConfig config = config().withSecurity(new LauncherSecurity(2000, 3000, List.of(36L)));
        Pod pod = LauncherPods.pod(config, spec("i-2"), 0);

        assertThat(pod.getSpec().getSecurityContext().getRunAsUser()).isEqualTo(2000L);
        assertThat(pod.getSpec().getSecurityContext().getRunAsGroup()).isEqualTo(3000L);
        assertThat(pod.getSpec().getSecurityContext().getFsGroup()).isEqualTo(3000L);
        assertThat(pod.getSpec().getSecurityContext().getSupplementalGroups()).containsExactly(36L);
        assertThat(pod.getSpec().getContainers().get(0).getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    }

    @Test
    void testSecurity_rootIsRefusedSayingWhatToSet() {
        assertThatIllegalArgumentException().isThrownBy(() -> new LauncherSecurity(0, 107, List.of()))
                .withMessageContaining("run-as-user").withMessageContaining("non-root");
    }

    @Test
    void testPodNames_areValidDnsLabelsAndDifferPerGeneration() {
        String name = LauncherPods.podName("My_Instance." + "x".repeat(80), 12);
        assertThat(name).hasSizeLessThanOrEqualTo(63).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?").endsWith("-12");
        assertThat(LauncherPods.podName("a", 0)).isNotEqualTo(LauncherPods.podName("a", 1));
    }

    @Test
    void testPhases_pendingBootingRunningSucceededWithExitCode() {
        Statuses heard = new Statuses();
        launcher(config()).launch(spec("i-2"), RestartPolicy.Never, heard);
        Pod pod = onlyPod();

        setStatus(pod, "Running", false, null);
        await().atMost(WAIT).until(() -> heard.last().state() == InstanceState.Booting);
        setStatus(pod, "Running", true, null);
        await().atMost(WAIT).until(() -> heard.last().state() == InstanceState.Running);
        setStatus(pod, "Succeeded", false, 0);
        await().atMost(WAIT).until(() -> heard.last().state().isTerminal());

        assertThat(heard.states()).containsExactly(InstanceState.Pending, InstanceState.Booting, InstanceState.Running,
                InstanceState.Succeeded);
        assertThat(heard.last().exitCode()).isZero();
        assertThat(pods()).as("a finished Pod is kept, not restarted").hasSize(1);
    }

    @Test
    void testFailedPod_exitCodeBecomesTheInstancesExitCode_notRestartedUnderNever() {
        Statuses heard = new Statuses();
        launcher(config()).launch(spec("i-3"), RestartPolicy.Never, heard);
        setStatus(onlyPod(), "Failed", false, 42);

        await().atMost(WAIT).until(() -> heard.last().state().isTerminal());
        assertThat(heard.last().state()).isEqualTo(InstanceState.Failed);
        assertThat(heard.last().exitCode()).isEqualTo(42);
        assertThat(heard.last().reason()).isEqualTo("Error");
        assertThat(launcher.instance("i-3").orElseThrow().restarts()).isZero();
        assertThat(pods()).extracting(p -> p.getMetadata().getName()).containsExactly("unifarm-i-3-0");
    }

    @Test
    void testFailedPod_restartedUnderOnFailure_withANewPod() {
        Statuses heard = new Statuses();
        launcher(config()).launch(spec("i-4"), RestartPolicy.OnFailure, heard);
        setStatus(onlyPod(), "Failed", false, 3);

        await().atMost(WAIT).until(() -> podNames().equals(List.of("unifarm-i-4-1")));
        PodInstance instance = launcher.instance("i-4").orElseThrow();
        assertThat(instance.restarts()).isEqualTo(1);
        assertThat(instance.pod()).isEqualTo("unifarm-i-4-1");
        assertThat(instance.lastTermination().exitCode()).isEqualTo(3);
        assertThat(instance.status().state()).isEqualTo(InstanceState.Pending);
        assertThat(heard.states()).doesNotContain(InstanceState.Failed, InstanceState.Succeeded, InstanceState.Stopped);

        // The new Pod is followed like the first.
        setStatus(onlyPod(), "Succeeded", false, 0);
        await().atMost(WAIT).until(() -> heard.last().state().isTerminal());
        assertThat(heard.last().state()).as("OnFailure does not restart a success").isEqualTo(InstanceState.Succeeded);
        assertThat(launcher.instance("i-4").orElseThrow().restarts()).isEqualTo(1);
    }

    @Test
    void testSucceededPod_restartedUnderAlways() {
        Statuses heard = new Statuses();
        launcher(config()).launch(spec("i-5"), RestartPolicy.Always, heard);
        setStatus(onlyPod(), "Succeeded", false, 0);
        await().atMost(WAIT).until(() -> podNames().equals(List.of("unifarm-i-5-1")));
        assertThat(launcher.instance("i-5").orElseThrow().restarts()).isEqualTo(1);
    }

    @Test
    void testDeletedPod_restartedUnderAlwaysAndOnFailure() {
        Statuses always = new Statuses();
        Statuses onFailure = new Statuses();
        launcher(config()).launch(spec("a"), RestartPolicy.Always, always);
        launcher.launch(spec("f"), RestartPolicy.OnFailure, onFailure);
        await().atMost(WAIT).until(() -> pods().size() == 2);

        client.pods().inNamespace(NS).withName("unifarm-a-0").delete();
        client.pods().inNamespace(NS).withName("unifarm-f-0").delete();

        await().atMost(WAIT).until(() -> podNames().equals(List.of("unifarm-a-1", "unifarm-f-1")));
        for (String id : List.of("a", "f")) {
            PodInstance instance = launcher.instance(id).orElseThrow();
            assertThat(instance.restarts()).isEqualTo(1);
            assertThat(instance.lastTermination().reason()).isEqualTo("PodDeleted");
        }
        // And again: each deletion is one more restart.
        client.pods().inNamespace(NS).withName("unifarm-a-1").delete();
        await().atMost(WAIT).until(() -> podNames().contains("unifarm-a-2"));
        assertThat(launcher.instance("a").orElseThrow().restarts()).isEqualTo(2);
    }

    @Test
    void testDeletedPod_notRestartedUnderNever_instanceFails() {
        Statuses heard = new Statuses();
        launcher(config()).launch(spec("n"), RestartPolicy.Never, heard);
        client.pods().inNamespace(NS).withName("unifarm-n-0").delete();

        await().atMost(WAIT).until(() -> heard.last().state().isTerminal());
        assertThat(heard.last().state()).isEqualTo(InstanceState.Failed);
        assertThat(heard.last().reason()).isEqualTo("PodDeleted");
        assertThat(pods()).isEmpty();
        assertThat(launcher.instance("n").orElseThrow().restarts()).isZero();
    }

    @Test
    void testStop_deletesThePodWithoutRestart() {
        Statuses heard = new Statuses();
        launcher(config()).launch(spec("s"), RestartPolicy.Always, heard);
        assertThat(launcher.stop("s")).isTrue();

        assertThat(heard.last().state()).isEqualTo(InstanceState.Stopped);
        await().atMost(WAIT).until(() -> pods().isEmpty());
        assertThat(launcher.stop("s")).as("already stopped").isFalse();
        assertThat(launcher.instance("s").orElseThrow().restarts()).isZero();
        assertThat(heard.states()).containsExactly(InstanceState.Pending, InstanceState.Stopped);
    }

    @Test
    void testReattach_actsOnAnEndMissedWhileNoFarmRanAndDeletesOlderAndUnknownPods() {
        PodSupervisor l = launcher(config());
        client.pods().inNamespace(NS).resource(LauncherPods.pod(config(), spec("r"), 0)).create();
        Pod newest = client.pods().inNamespace(NS).resource(LauncherPods.pod(config(), spec("r"), 1)).create();
        client.pods().inNamespace(NS).resource(LauncherPods.pod(config(), spec("stray"), 0)).create();
        newest.setStatus(new PodStatusBuilder().withPhase("Failed").withContainerStatuses(new ContainerStatusBuilder()
                .withName("launcher").withNewState().withNewTerminated().withExitCode(3).endTerminated().endState().build()).build());
        client.pods().inNamespace(NS).resource(newest).updateStatus();
        Statuses heard = new Statuses();
        var now = java.time.Instant.now();
        InstanceStatus recorded = new InstanceStatus("r", InstanceState.Running, null, null, null, null, "node-a", now, now, now,
                null, null, 1);

        assertThat(l.reattach("r", RestartPolicy.OnFailure, recorded, heard)).isTrue();
        assertThat(l.reattach("nobody", RestartPolicy.Always, recorded, status -> { })).as("no Pod").isFalse();
        assertThat(l.deleteUntracked()).containsExactly("unifarm-stray-0");

        await().atMost(WAIT).until(() -> podNames().equals(List.of("unifarm-r-2")));
        PodInstance instance = l.instance("r").orElseThrow();
        assertThat(instance.restarts()).as("the recorded restart and this one").isEqualTo(2);
        assertThat(instance.lastTermination().exitCode()).isEqualTo(3);
        assertThat(heard.states()).startsWith(InstanceState.Pending);
        assertThat(heard.last().reason()).isEqualTo("BackOff");
    }

    @Test
    void testBackoff_growsAndIsCapped() {
        PodSupervisor l = launcher(config());
        assertThat(l.backoff(1)).isEqualTo(Duration.ofMillis(10));
        assertThat(l.backoff(2)).isEqualTo(Duration.ofMillis(20));
        assertThat(l.backoff(3)).isEqualTo(Duration.ofMillis(40));
        assertThat(l.backoff(30)).isEqualTo(Duration.ofMillis(100));
    }

    private List<String> podNames() {
        return pods().stream().map(p -> p.getMetadata().getName()).sorted().toList();
    }

    /** What a kubelet would write: phase, readiness, and the launcher container's state. */
    private void setStatus(Pod pod, String phase, boolean ready, Integer exitCode) {
        var container = new ContainerStatusBuilder().withName(LauncherPods.CONTAINER).withReady(ready).withNewState();
        var state = exitCode == null
                ? container.withNewRunning().withStartedAt("2026-01-01T00:00:00Z").endRunning()
                : container.withNewTerminated().withExitCode(exitCode).withReason(exitCode == 0 ? "Completed" : "Error")
                        .endTerminated();
        Pod fresh = client.pods().inNamespace(NS).withName(pod.getMetadata().getName()).get();
        fresh.setStatus(new PodStatusBuilder().withPhase(phase)
                .withConditions(new PodConditionBuilder().withType("Ready").withStatus(ready ? "True" : "False").build())
                .withContainerStatuses(state.endState().build())
                .build());
        client.pods().inNamespace(NS).resource(fresh).updateStatus();
    }

    private static final class Statuses implements dev.unifarm.scheduler.InstanceListener {
        private final List<InstanceStatus> seen = new CopyOnWriteArrayList<>();

        @Override
        public void changed(InstanceStatus status) {
            seen.add(status);
        }

        InstanceStatus last() {
            return seen.get(seen.size() - 1);
        }

        List<InstanceState> states() {
            return seen.stream().map(InstanceStatus::state).toList();
        }
    }
}
