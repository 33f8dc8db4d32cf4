package dev.unifarm.scheduler;

import dev.unifarm.imager.Image;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What to boot: an image, per-instance overrides of its args and env (null keeps the image's), guest
 * memory, and the directory that holds the instance's console, QEMU log and control socket.
 */
public record LaunchRequest(String instanceId, Image image, List<String> args, Map<String, String> env,
        int memoryMiB, Path instanceDir) {
}
