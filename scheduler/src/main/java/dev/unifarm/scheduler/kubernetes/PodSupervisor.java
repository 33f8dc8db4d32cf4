package dev.unifarm.scheduler.kubernetes;

import dev.unifarm.scheduler.Backoff;
import dev.unifarm.scheduler.InstanceListener;
import dev.unifarm.scheduler.InstanceState;
import dev.unifarm.scheduler.InstanceStatus;
import dev.unifarm.scheduler.RestartPolicy;
import dev.unifarm.scheduler.restart.RestartSchedule;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.PodResource;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Kubernetes mode: one launcher Pod per instance. Watches the launcher Pods (an informer) and maps
 * their phase to the instance's state: {@code Pending → Pending}, {@code Running} not ready →
 * {@code Booting}, ready → {@code Running}, {@code Succeeded}/{@code Failed} → the same, with the exit
 * code of the launcher container's terminated state (the launcher exits with the app's code). A Pod
 * that fails or is deleted by someone else ends its instance as {@code Failed}; the instance's
 * {@link RestartSchedule} (the one local mode uses: its {@link RestartPolicy} and the scheduler's
 * {@link Backoff}) then decides whether and when a new Pod is created.
 * Pods restart {@code Never} themselves: the farm drives restarts.
 */
final class PodSupervisor implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PodSupervisor.class);

    private final KubernetesClient client;
    private final LauncherPodConfig config;
    private final Backoff backoff;
    private final Clock clock;
    private final Map<String, SupervisedInstance> byId = new ConcurrentHashMap<>();
    private final Map<String, SupervisedInstance> byPod = new ConcurrentHashMap<>();
    private final DecisionThread actions = new DecisionThread();
    private final SharedIndexInformer<Pod> informer;

    public PodSupervisor(KubernetesClient client, LauncherPodConfig config, Backoff backoff, Clock clock) {
        this.client = client;
        this.config = config;
        this.backoff = backoff;
        this.clock = clock;
        this.informer = launcherPods().inform(new PodEvents(actions, this::observed, this::deleted), 0);
    }

    /** Creates the instance's first Pod; the listener hears every state change, the last one terminal. */
    public InstanceStatus launch(LauncherSpec spec, RestartPolicy policy, InstanceListener listener) {
        SupervisedInstance instance = new SupervisedInstance(spec, new RestartSchedule(policy, backoff), listener, InstanceStatus.pending(spec.instanceId(), null, clock.instant()));
        if (byId.putIfAbsent(spec.instanceId(), instance) != null) {
            throw new IllegalArgumentException("instance " + spec.instanceId() + " is already live");
        }
        try {
            actions.call(() -> {
                listener.changed(instance.status);
                createPod(instance);
                return null;
            });
        } catch (RuntimeException e) {
            byId.remove(spec.instanceId(), instance);
            if (instance.pod != null) {
                byPod.remove(instance.pod, instance);
            }
            throw e;
        }
        return instance.status;
    }

    /**
     * Supervises again an instance a previous farm process launched: its newest launcher Pod (by the
     * {@code unifarm.dev/instance} label) becomes the current one, older ones are deleted, and the Pod's
     * phase is read at once, so an end the farm missed is acted on (policy included). False when the
     * instance has no Pod.
     */
    public boolean reattach(String id, RestartPolicy policy, InstanceStatus recorded, InstanceListener listener) {
        List<Pod> pods = launcherPods().withLabel(LauncherPods.INSTANCE_LABEL, LauncherPods.labelValue(id)).list().getItems().stream()
                .filter(pod -> pod.getMetadata().getDeletionTimestamp() == null)
                .sorted(Comparator.comparingInt(LauncherPods::generation)).toList();
        if (pods.isEmpty()) {
            return false;
        }
        Pod newest = pods.get(pods.size() - 1);
        SupervisedInstance instance = new SupervisedInstance(LauncherPods.spec(id, newest), new RestartSchedule(policy, backoff), listener, recorded);
        instance.generation = LauncherPods.generation(newest);
        instance.restarts = recorded.restarts();
        if (byId.putIfAbsent(id, instance) != null) {
            throw new IllegalArgumentException("instance " + id + " is already live");
        }
        actions.call(() -> {
            pods.subList(0, pods.size() - 1).forEach(old -> deletePod(old.getMetadata().getName()));
            instance.pod = newest.getMetadata().getName();
            byPod.put(instance.pod, instance);
            observed(newest);
            return null;
        });
        LOG.infof("re-attached instance %s to launcher Pod %s", id, newest.getMetadata().getName());
        return true;
    }

    /** Deletes every launcher Pod that is not the current Pod of an instance supervised here; returns their names. */
    public List<String> deleteUntracked() {
        return actions.call(() -> {
            List<String> deleted = new ArrayList<>();
            for (Pod pod : launcherPods().list().getItems()) {
                String name = pod.getMetadata().getName();
                SupervisedInstance owner = byPod.get(name);
                if (owner == null || !name.equals(owner.pod)) {
                    deletePod(name);
                    deleted.add(name);
                }
            }
            return deleted;
        });
    }

    /** The instance's current Pod as the informer last saw it. */
    public Optional<Pod> pod(String id) {
        SupervisedInstance instance = byId.get(id);
        if (instance == null || instance.pod == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(informer.getStore().getByKey(config.namespace() + "/" + instance.pod));
    }

    public Optional<PodInstance> instance(String id) {
        return Optional.ofNullable(byId.get(id)).map(t -> actions.call(t::view));
    }

    public Optional<InstanceStatus> status(String id) {
        return instance(id).map(PodInstance::status);
    }

    /** Deletes the instance's Pod (the launcher powers the guest down on SIGTERM); false when unknown or ended. */
    public boolean stop(String id) {
        SupervisedInstance instance = byId.get(id);
        if (instance == null) {
            return false;
        }
        return actions.call(() -> {
            if (instance.ended || instance.stopRequested) {
                return false;
            }
            instance.stopRequested = true;
            deletePod(instance.pod);
            publish(instance, instance.status.finished(InstanceState.Stopped, null, "Stopped", "stopped on request",
                    clock.instant()));
            instance.ended = true;
            return true;
        });
    }

    /** Stops watching; launcher Pods keep running (the farm may be restarting). */
    @Override
    public void close() {
        informer.close();
        actions.close();
    }

    /** Every launcher Pod in the namespace, by their name label. */
    private FilterWatchListDeletable<Pod, PodList, PodResource> launcherPods() {
        return client.pods().inNamespace(config.namespace()).withLabel(LauncherPods.NAME_LABEL, LauncherPods.NAME);
    }

    private void createPod(SupervisedInstance instance) {
        Pod pod = LauncherPods.pod(config, instance.spec, instance.generation);
        instance.pod = pod.getMetadata().getName();
        instance.podEnded = false;
        byPod.put(instance.pod, instance);
        client.pods().inNamespace(config.namespace()).resource(pod).create();
        LOG.debugf("created launcher Pod %s for %s", instance.pod, instance.spec.instanceId());
    }

    private void deletePod(String name) {
        try {
            client.pods().inNamespace(config.namespace()).withName(name).delete();
        } catch (KubernetesClientException e) {
            LOG.warnf("cannot delete launcher Pod %s: %s", name, e.getMessage());
        }
    }

    private void observed(Pod pod) {
        SupervisedInstance instance = current(pod);
        if (instance == null || pod.getStatus() == null) {
            return;
        }
        String phase = LauncherPodStatus.phase(pod);
        var now = clock.instant();
        switch (phase) {
            case "Pending" -> {
                ContainerStateWaiting waiting = LauncherPodStatus.waiting(pod).orElse(null);
                if (instance.status.state() == InstanceState.Pending && waiting != null && !Objects.equals(waiting.getReason(), instance.status.reason())) {
                    publish(instance, instance.pending(waiting.getReason(), waiting.getMessage(), LauncherPodStatus.nodeName(pod)));
                }
            }
            case "Running" -> {
                if (LauncherPodStatus.ready(pod)) {
                    if (instance.status.state() != InstanceState.Running) {
                        publish(instance, instance.booting(LauncherPodStatus.nodeName(pod), now).running(now));
                    }
                } else if (instance.status.state() == InstanceState.Pending) {
                    publish(instance, instance.booting(LauncherPodStatus.nodeName(pod), now));
                }
            }
            case "Succeeded", "Failed" -> {
                LauncherPodStatus.End end = LauncherPodStatus.end(pod, instance.pod, phase);
                ended(instance, end.succeeded(), end.code(), end.reason(), end.message());
            }
            default -> {
                // Unknown: the node is unreachable; wait for the Pod to be failed or deleted.
            }
        }
    }

    private void deleted(Pod pod) {
        SupervisedInstance instance = current(pod);
        if (instance == null) {
            return;
        }
        ended(instance, false, null, "PodDeleted", "launcher Pod " + instance.pod + " was deleted");
    }

    /** The instance whose current, not yet ended Pod this is; null for stale, foreign, or stopped ones. */
    private SupervisedInstance current(Pod pod) {
        SupervisedInstance instance = byPod.get(pod.getMetadata().getName());
        if (instance == null || !pod.getMetadata().getName().equals(instance.pod) || instance.podEnded
                || instance.ended || instance.stopRequested) {
            return null;
        }
        return instance;
    }

    private void ended(SupervisedInstance instance, boolean succeeded, Integer code, String reason, String message) {
        instance.podEnded = true;
        InstanceState state = succeeded ? InstanceState.Succeeded : InstanceState.Failed;
        InstanceStatus end = instance.status.finished(state, code, reason, message, clock.instant());
        instance.lastTermination = end;
        if (!instance.schedule.restarts(state)) {
            instance.ended = true;
            publish(instance, end);
            return;
        }
        String old = instance.pod;
        byPod.remove(old);
        deletePod(old); // a failed Pod stays until deleted; the restart gets a new name anyway
        instance.restarts++;
        instance.generation++;
        Duration delay = instance.schedule.next(instance.status.startedAt(), clock.instant()).delay();
        publish(instance, instance.pending("BackOff",
                "restart " + instance.restarts + " in " + delay.toMillis() + " ms after " + reason + ": " + message, null));
        actions.schedule(() -> {
            if (instance.stopRequested || instance.ended) {
                return;
            }
            try {
                createPod(instance);
            } catch (KubernetesClientException e) {
                instance.ended = true;
                publish(instance, instance.status.finished(InstanceState.Failed, null, "RestartFailed",
                        "cannot create launcher Pod: " + e.getMessage(), clock.instant()));
            }
        }, delay);
    }

    /** The delay before restart number {@code restarts} (1-based) when no run lasted long enough to reset the series. */
    Duration backoff(int restarts) {
        return backoff.delay(Math.max(0, restarts - 1));
    }

    private void publish(SupervisedInstance instance, InstanceStatus next) {
        instance.status = next;
        try {
            instance.listener.changed(next);
        } catch (RuntimeException e) {
            LOG.errorf(e, "listener failed for %s in state %s", next.id(), next.state());
        }
    }
}
