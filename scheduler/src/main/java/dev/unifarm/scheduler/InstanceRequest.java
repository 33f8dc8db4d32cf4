package dev.unifarm.scheduler;

/**
 * One instance to start, as every scheduler needs it.
 *
 * @param app the app's name (a label on launcher Pods)
 * @param launch the image, overrides, memory, instance dir and port
 * @param imageReference the image in a registry by digest ({@code host/repo@sha256:…}), for runners that
 *        pull it themselves (launcher Pods); null when there is none
 */
public record InstanceRequest(String app, LaunchRequest launch, String imageReference) {

    public String instanceId() {
        return launch.instanceId();
    }
}
