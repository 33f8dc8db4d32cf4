package dev.unifarm.api.config;

/** {@code local}: QEMU processes on the farm's host; {@code kubernetes}: one launcher Pod per instance. */
public enum SchedulerMode {
    local, kubernetes
}
