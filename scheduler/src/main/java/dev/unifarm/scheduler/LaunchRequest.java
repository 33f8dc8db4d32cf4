package dev.unifarm.scheduler;

import dev.unifarm.imager.model.Image;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What to boot: an image, per-instance overrides of its args and env (null keeps the image's), guest
 * memory, the directory that holds the instance's console, QEMU log and control socket, and the TCP
 * port the app listens on in the guest (0: none; otherwise a free host port on 127.0.0.1 is forwarded
 * to it and the instance is {@code Running} once {@code GET readinessPath} through it answers 2xx or 3xx,
 * the scheduler's readiness probe; null: {@link #DEFAULT_READINESS_PATH}), and how the run begins
 * ({@link Activation}; null: {@link Activation#BOOT}).
 */
public record LaunchRequest(String instanceId, Image image, List<String> args, Map<String, String> env,
        int memoryMiB, Path instanceDir, int port, String readinessPath, Activation activation) {

    /** The path probed when the app spec names none ({@code readinessPath}). */
    public static final String DEFAULT_READINESS_PATH = "/";

    public LaunchRequest {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0 (none) or 1..65535: " + port);
        }
        readinessPath = readinessPath == null ? DEFAULT_READINESS_PATH : readinessPath;
        activation = activation == null ? Activation.BOOT : activation;
        if (!readinessPath.startsWith("/")) {
            throw new IllegalArgumentException("readinessPath must start with /: " + readinessPath);
        }
    }

    /** A boot. */
    public LaunchRequest(String instanceId, Image image, List<String> args, Map<String, String> env, int memoryMiB,
            Path instanceDir, int port, String readinessPath) {
        this(instanceId, image, args, env, memoryMiB, instanceDir, port, readinessPath, Activation.BOOT);
    }

    /** This launch, begun as {@code how}. */
    public LaunchRequest withActivation(Activation how) {
        return new LaunchRequest(instanceId, image, args, env, memoryMiB, instanceDir, port, readinessPath, how);
    }

    /** An app probed at {@code /}. */
    public LaunchRequest(String instanceId, Image image, List<String> args, Map<String, String> env, int memoryMiB,
            Path instanceDir, int port) {
        this(instanceId, image, args, env, memoryMiB, instanceDir, port, null);
    }

    /** An app without a port. */
    public LaunchRequest(String instanceId, Image image, List<String> args, Map<String, String> env, int memoryMiB,
            Path instanceDir) {
        this(instanceId, image, args, env, memoryMiB, instanceDir, 0);
    }
}
