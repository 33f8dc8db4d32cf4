package dev.unifarm.scheduler.launcher;

import dev.unifarm.scheduler.AcceleratorSetting;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * What a launcher runs: one instance of one image, pulled by digest. Read from the environment
 * ({@code UNIFARM_*}, as a launcher Pod sets it) and {@code --key=value} arguments, which win.
 *
 * @param imageReference {@code <host[:port]>/<repository>@sha256:<hex>}
 * @param registryInsecure the registry speaks plain HTTP
 * @param appPort the app's TCP port in the guest, null for none; a free host port on {@code forwardHost} is
 *        forwarded to it, and the status's {@code endpoint} names that port
 * @param dataDir the local image store and instance dir live here
 * @param httpAddress where status and console are served
 * @param forwardHost where QEMU binds the app's forwarded port: {@code 127.0.0.1} by default, {@code 0.0.0.0}
 *        in a launcher Pod (the Pod's own network namespace), so the farm reaches the app at the Pod's IP
 * @param accelerator as the farm's {@code unifarm.scheduler.accelerator}: {@code auto} by default (the
 *        launcher probes its node), {@code kvm} (the instance fails if a test guest does not run under KVM), {@code tcg}
 */
public record LauncherConfig(String instanceId, String imageReference, boolean registryInsecure, int memoryMiB,
        Integer appPort, Path dataDir, InetSocketAddress httpAddress, String forwardHost, AcceleratorSetting accelerator) {

    public static final String INSTANCE_ID = "UNIFARM_INSTANCE_ID";
    public static final String IMAGE = "UNIFARM_IMAGE";
    public static final String REGISTRY_INSECURE = "UNIFARM_REGISTRY_INSECURE";
    public static final String MEMORY_MIB = "UNIFARM_MEMORY_MIB";
    public static final String APP_PORT = "UNIFARM_APP_PORT";
    public static final String DATA_DIR = "UNIFARM_DATA_DIR";
    public static final String HTTP_ADDRESS = "UNIFARM_HTTP_ADDRESS";
    public static final String HTTP_PORT = "UNIFARM_HTTP_PORT";
    public static final String FORWARD_HOST = "UNIFARM_FORWARD_HOST";
    public static final String DEFAULT_FORWARD_HOST = "127.0.0.1";
    public static final String ACCELERATOR = "UNIFARM_ACCELERATOR";

    public LauncherConfig {
        if (instanceId == null || instanceId.isBlank()) {
            throw new IllegalArgumentException(INSTANCE_ID + " is required");
        }
        ImageReference.parse(imageReference);
        if (memoryMiB <= 0) {
            throw new IllegalArgumentException(MEMORY_MIB + " must be positive");
        }
        if (forwardHost == null || forwardHost.isBlank()) {
            forwardHost = DEFAULT_FORWARD_HOST;
        }
        if (accelerator == null) {
            accelerator = AcceleratorSetting.auto;
        }
    }

    public ImageReference image() {
        return ImageReference.parse(imageReference);
    }

    /** The registry's URL with the scheme the config asks for. */
    public String registryUrl() {
        return (registryInsecure ? "http://" : "https://") + image().registry();
    }

    /** Environment first, then {@code --instance-id=…}-style arguments (the env name, lower-case, dashes, no prefix). */
    public static LauncherConfig from(Map<String, String> env, String... args) {
        Map<String, String> values = new HashMap<>(env);
        for (String arg : args) {
            if (!arg.startsWith("--") || !arg.contains("=")) {
                throw new IllegalArgumentException("expected --key=value, got " + arg);
            }
            String key = "UNIFARM_" + arg.substring(2, arg.indexOf('=')).toUpperCase().replace('-', '_');
            values.put(key, arg.substring(arg.indexOf('=') + 1));
        }
        String port = values.get(APP_PORT);
        return new LauncherConfig(
                values.get(INSTANCE_ID),
                required(values, IMAGE),
                Boolean.parseBoolean(values.getOrDefault(REGISTRY_INSECURE, "false")),
                Integer.parseInt(values.getOrDefault(MEMORY_MIB, "256")),
                port == null || port.isBlank() ? null : Integer.valueOf(port),
                Path.of(values.getOrDefault(DATA_DIR, "/var/lib/unifarm")),
                new InetSocketAddress(values.getOrDefault(HTTP_ADDRESS, "0.0.0.0"),
                        Integer.parseInt(values.getOrDefault(HTTP_PORT, "8080"))),
                values.get(FORWARD_HOST),
                values.get(ACCELERATOR) == null ? null : AcceleratorSetting.parse(values.get(ACCELERATOR)));
    }

    private static String required(Map<String, String> values, String key) {
        String value = values.get(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(key + " is required");
        }
        return value;
    }

    /** {@code <registry>/<repository>@<digest>}, split. */
    public record ImageReference(String registry, String repository, String digest) {

        public static ImageReference parse(String reference) {
            if (reference == null) {
                throw new IllegalArgumentException(IMAGE + " is required");
            }
            int slash = reference.indexOf('/');
            int at = reference.indexOf('@');
            if (slash <= 0 || at < slash + 2 || !reference.startsWith("sha256:", at + 1)
                    || !reference.substring(at + 8).matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("not <registry>/<repository>@sha256:<hex>: " + reference);
            }
            return new ImageReference(reference.substring(0, slash), reference.substring(slash + 1, at),
                    reference.substring(at + 1));
        }
    }
}
