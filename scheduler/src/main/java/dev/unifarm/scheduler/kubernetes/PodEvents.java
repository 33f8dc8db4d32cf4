package dev.unifarm.scheduler.kubernetes;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.function.Consumer;

/** Hands the informer's launcher Pod events over to the decision thread: a Pod seen (added, changed) or deleted. */
record PodEvents(DecisionThread actions, Consumer<Pod> observed, Consumer<Pod> deleted) implements ResourceEventHandler<Pod> {

    @Override
    public void onAdd(Pod pod) {
        actions.execute(() -> observed.accept(pod));
    }

    @Override
    public void onUpdate(Pod old, Pod pod) {
        actions.execute(() -> observed.accept(pod));
    }

    @Override
    public void onDelete(Pod pod, boolean finalStateUnknown) {
        actions.execute(() -> deleted.accept(pod));
    }
}
