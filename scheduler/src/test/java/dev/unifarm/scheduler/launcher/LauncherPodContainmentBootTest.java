package dev.unifarm.scheduler.launcher;

import static dev.unifarm.scheduler.launcher.LauncherCalls.get;
import static dev.unifarm.scheduler.launcher.LauncherCalls.listeningOn;
import static dev.unifarm.scheduler.launcher.LauncherCalls.push;
import static dev.unifarm.scheduler.launcher.LauncherCalls.stderr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unifarm.imager.RealRegistry;
import dev.unifarm.imager.model.Image;
import dev.unifarm.imager.model.OciImage;
import dev.unifarm.imager.oci.OciLayout;
import dev.unifarm.imager.oci.OciRegistry;
import dev.unifarm.imager.store.ImageStore;
import dev.unifarm.scheduler.kubernetes.LauncherPodConfig;
import dev.unifarm.scheduler.kubernetes.LauncherPods;
import dev.unifarm.scheduler.kubernetes.LauncherSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance for the launcher Pod's containment, without a cluster: the REAL launcher process runs the way
 * the Pod the farm makes would run it, boots ticker and stops on SIGTERM. A private mount namespace stands in for the
 * container: every mount read-only ({@code readOnlyRootFilesystem}), a fresh tmpfs at each of the Pod's
 * emptyDir mount paths, then {@code setpriv} to the Pod's uid/gid with no capabilities (bounding set
 * included) and no-new-privs ({@code allowPrivilegeEscalation: false}). If the launcher, its JVM or QEMU
 * wrote anywhere else, the boot would fail here. Needs root (mount namespace, setpriv), as the boot tests' host gives.
 */
class LauncherPodContainmentBootTest {

    private static final Duration BOOT = Duration.ofMinutes(3);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DIGEST = "sha256:" + "0".repeat(64);

    private Process launcher;
    private Path classPathCopy;

    @TempDir
    Path work;

    @AfterEach
    void stopLauncher() throws InterruptedException, IOException {
        if (launcher != null && launcher.isAlive()) {
            launcher.descendants().forEach(ProcessHandle::destroyForcibly);
            launcher.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        if (classPathCopy != null) {
            try (Stream<Path> files = Files.walk(classPathCopy)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void testLauncher_asItsPodRunsIt_nonRootReadOnlyRootOnlyEmptyDirsWritable_bootsAndStops() throws Exception {
        Pod pod = LauncherPods.pod(LauncherPodConfig.defaults("farm", "launcher:test"),
                new LauncherSpec("c1", "ticker", "registry.invalid/unifarm/ticker@" + DIGEST, 384, null), 0);
        PodSecurityContext runAs = pod.getSpec().getSecurityContext();
        Container container = pod.getSpec().getContainers().get(0);
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        List<String> emptyDirs = container.getVolumeMounts().stream().map(VolumeMount::getMountPath).toList();

        try (RealRegistry registry = RealRegistry.start(work.resolve("registry"))) {
            Map<String, String> env = new LinkedHashMap<>();
            container.getEnv().forEach(e -> env.put(e.getName(), e.getValue()));
            env.put(LauncherConfig.IMAGE, push(registry, "ticker", work));
            env.put(LauncherConfig.REGISTRY_INSECURE, "true");
            // The Pod's own network namespace is this host's here: loopback, and a free port.
            env.put(LauncherConfig.HTTP_ADDRESS, "127.0.0.1");
            env.put(LauncherConfig.HTTP_PORT, "0");

            List<String> command = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "--",
                    "/bin/sh", "-ec", CONTAINER_SCRIPT, "container",
                    Long.toString(runAs.getRunAsUser()), Long.toString(runAs.getRunAsGroup()),
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), readableClassPath(),
                    Launcher.class.getName()));
            command.addAll(emptyDirs);
            ProcessBuilder builder = new ProcessBuilder(command).directory(new File("/"))
                    .redirectError(work.resolve("launcher.err").toFile());
            builder.environment().clear();
            builder.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
            builder.environment().putAll(env);
            launcher = builder.start();

            URI base;
            try {
                base = URI.create(listeningOn(launcher).get(BOOT.toSeconds(), TimeUnit.SECONDS));
            } catch (java.util.concurrent.ExecutionException e) {
                throw new AssertionError(e.getCause().getMessage() + "; stderr: " + stderr(work), e);
            }
            long pid = launcher.pid();
            assertThat(status(pid, "Uid")).as("the launcher JVM runs as the Pod's uid").startsWith(runAs.getRunAsUser() + "\t");
            assertThat(status(pid, "CapBnd")).isEqualTo("0000000000000000");
            assertThat(status(pid, "NoNewPrivs")).isEqualTo("1");
            assertThat(writableMounts(pid)).as("read-only root: only the Pod's emptyDirs are writable")
                    .containsExactlyInAnyOrderElementsOf(emptyDirs);

            await().atMost(BOOT).pollInterval(Duration.ofMillis(250)).until(() -> {
                assertThat(launcher.isAlive()).as("launcher alive; stderr: %s", stderr(work)).isTrue();
                return get(base.resolve("/console")).body().contains("ticker: tick 1");
            });
            JsonNode status = JSON.readTree(get(base.resolve("/status")).body());
            assertThat(status.get("state").asText()).as("%s; stderr: %s", status, stderr(work)).isEqualTo("Running");
            // What it wrote is on the emptyDirs: the pulled image and the instance dir (console, QMP socket, pid file).
            Path root = Path.of("/proc", Long.toString(pid), "root");
            Path data = root.resolve(env.get(LauncherConfig.DATA_DIR).substring(1));
            try (Stream<Path> blobs = Files.list(data.resolve("store/blobs/sha256"))) {
                assertThat(blobs).isNotEmpty();
            }
            Path instance = data.resolve("instances/c1");
            assertThat(instance.resolve("console.log")).exists();
            long qemu = Long.parseLong(Files.readString(instance.resolve("qemu.pid")).strip());
            assertThat(status(qemu, "Uid")).as("QEMU too").startsWith(runAs.getRunAsUser() + "\t");
            assertThat(status(qemu, "CapEff")).isEqualTo("0000000000000000");
            assertThat(status(qemu, "Seccomp")).as("QEMU's own -sandbox inside the Pod").isEqualTo("2");
            assertThat(stderr(work)).as("the launcher says at start-up what QEMU runs under")
                    .contains("QEMU runs as uid " + runAs.getRunAsUser() + " (the farm runs as uid " + runAs.getRunAsUser() + ", not root");

            launcher.destroy(); // SIGTERM, as the kubelet stops the Pod
            assertThat(launcher.waitFor(60, TimeUnit.SECONDS)).as("stderr: %s", stderr(work)).isTrue();
            assertThat(launcher.exitValue()).isEqualTo(143);
        }
    }

    /**
     * $1 uid, $2 gid, $3 java, $4 class path, $5 main class, then the emptyDir mount paths. A path whose
     * directory the host lacks gets it on a read-only tmpfs over its parent, as the image would carry it.
     */
    private static final String CONTAINER_SCRIPT = String.join("\n",
            "uid=$1 gid=$2 java=$3 cp=$4 main=$5; shift 5",
            "awk '{print $2}' /proc/self/mounts | while read -r m; do mount -o remount,bind,ro \"$m\"; done",
            "for p in \"$@\"; do",
            "  if [ ! -d \"$p\" ]; then",
            "    parent=$(dirname \"$p\"); mount -t tmpfs -o mode=0755 image \"$parent\"; mkdir \"$p\"; mount -o remount,ro \"$parent\"",
            "  fi",
            "  mount -t tmpfs -o mode=0777 emptydir \"$p\"",
            "done",
            "exec setpriv --reuid=\"$uid\" --regid=\"$gid\" --clear-groups --no-new-privs --inh-caps=-all --bounding-set=-all -- \\",
            "  \"$java\" -cp \"$cp\" \"$main\"");

    /**
     * The test class path copied where any uid may read it (the Maven repository is root's alone) and where
     * the Pod's emptyDirs do not hide it: not under the checkout, which may itself be under /tmp.
     */
    private String readableClassPath() throws IOException {
        Path dir = Files.createTempDirectory(Path.of("/var/tmp"), "unifarm-launcher-pod-");
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        classPathCopy = dir;
        List<String> entries = new ArrayList<>();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        int n = 0;
        for (String entry : classPath.split(File.pathSeparator)) {
            Path source = Path.of(entry);
            if (!Files.exists(source)) {
                continue;
            }
            Path target = dir.resolve(n++ + "-" + source.getFileName());
            if (Files.isDirectory(source)) {
                try (Stream<Path> files = Files.walk(source)) {
                    for (Path file : (Iterable<Path>) files::iterator) {
                        Path copy = target.resolve(source.relativize(file).toString());
                        if (Files.isDirectory(file)) {
                            Files.createDirectories(copy);
                        } else {
                            Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
                        }
                    }
                }
            } else {
                Files.copy(source, target);
            }
            entries.add(target.toString());
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    /** Mount points writable in the process's mount namespace (the topmost mount of each). */
    private static List<String> writableMounts(long pid) throws IOException {
        Map<String, Boolean> writable = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "mountinfo"))) {
            String[] fields = line.split(" ");
            writable.remove(fields[4]);
            writable.put(fields[4], List.of(fields[5].split(",")).contains("rw"));
        }
        return writable.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).toList();
    }

    private static String status(long pid, String key) throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                .filter(l -> l.startsWith(key + ":")).map(l -> l.substring(key.length() + 1).strip()).findFirst().orElseThrow();
    }
}
