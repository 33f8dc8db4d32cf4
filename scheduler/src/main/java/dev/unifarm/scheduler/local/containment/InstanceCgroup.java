package dev.unifarm.scheduler.local.containment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * One instance's cgroup: QEMU joins it before it execs ({@link #procsFiles}), so every page it touches
 * and every CPU cycle it burns is charged to it; when the guest makes QEMU exceed the memory limit, the
 * kernel's OOM killer picks QEMU inside this cgroup, not a neighbour ({@link #oomKills} tells).
 */
final class InstanceCgroup {

    private static final Logger LOG = Logger.getLogger(InstanceCgroup.class);
    static final long CPU_PERIOD_US = 100_000;

    private final CgroupHierarchy hierarchy;
    private final String name;

    private InstanceCgroup(CgroupHierarchy hierarchy, String name) {
        this.hierarchy = hierarchy;
        this.name = name;
    }

    /** The cgroup {@code name} as it is: for an adopted QEMU, whose cgroup an earlier farm made. */
    static InstanceCgroup existing(CgroupHierarchy hierarchy, String name) {
        return new InstanceCgroup(hierarchy, name);
    }

    /** Makes (or resets) the cgroup {@code name} with these limits; a null limit is left unset. */
    static InstanceCgroup create(CgroupHierarchy hierarchy, String name, long memoryBytes, Double cpus, Integer pids) throws IOException {
        InstanceCgroup cgroup = new InstanceCgroup(hierarchy, name);
        cgroup.make(memoryBytes, cpus, pids);
        return cgroup;
    }

    private void make(long memoryBytes, Double cpus, Integer pids) throws IOException {
        // the parent (and v2's controller delegation) was made once: CgroupHierarchy.unwritable
        for (Path dir : dirs()) {
            Files.createDirectories(dir);
        }
        if (hierarchy.v2()) {
            Path dir = dir("memory");
            write(dir.resolve("memory.max"), Long.toString(memoryBytes));
            writeIfPresent(dir.resolve("memory.swap.max"), "0");
            writeIfPresent(dir.resolve("memory.oom.group"), "1");
            if (cpus != null && hierarchy.roots().containsKey("cpu")) {
                write(dir.resolve("cpu.max"), Math.round(cpus * CPU_PERIOD_US) + " " + CPU_PERIOD_US);
            }
            if (pids != null && hierarchy.roots().containsKey("pids")) {
                write(dir.resolve("pids.max"), pids.toString());
            }
            return;
        }
        Path memory = dir("memory");
        write(memory.resolve("memory.limit_in_bytes"), Long.toString(memoryBytes));
        // with swap accounting, the same limit on memory+swap: a capped guest is stopped, not swapped out
        writeIfPresent(memory.resolve("memory.memsw.limit_in_bytes"), Long.toString(memoryBytes));
        if (cpus != null && hierarchy.roots().containsKey("cpu")) {
            write(dir("cpu").resolve("cpu.cfs_period_us"), Long.toString(CPU_PERIOD_US));
            write(dir("cpu").resolve("cpu.cfs_quota_us"), Long.toString(Math.round(cpus * CPU_PERIOD_US)));
        }
        if (pids != null && hierarchy.roots().containsKey("pids")) {
            write(dir("pids").resolve("pids.max"), pids.toString());
        }
    }

    /** The {@code cgroup.procs} files QEMU's wrapper writes its pid into before it execs QEMU. */
    List<Path> procsFiles() {
        return dirs().stream().map(d -> d.resolve("cgroup.procs")).toList();
    }

    /** How often the kernel's OOM killer killed in this cgroup: non-zero means the memory limit ended QEMU. */
    long oomKills() {
        Path file = hierarchy.v2() ? dir("memory").resolve("memory.events") : dir("memory").resolve("memory.oom_control");
        try {
            return Files.readAllLines(file).stream().filter(l -> l.startsWith("oom_kill ")).mapToLong(l -> Long.parseLong(l.substring(8).strip()))
                    .findFirst().orElse(0);
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /** Kills whatever still runs in the cgroup (nothing should: QEMU is gone) and removes it. */
    void remove() {
        for (Path dir : dirs()) {
            for (long pid : pids(dir)) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        for (Path dir : dirs()) {
            removeWhenEmpty(dir);
        }
    }

    private static void removeWhenEmpty(Path dir) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (Files.isDirectory(dir)) {
            try {
                Files.delete(dir); // rmdir: a cgroup's files are not files
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    LOG.warnf("cannot remove cgroup %s: %s", dir, e.getMessage());
                    return;
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static List<Long> pids(Path dir) {
        try {
            return Files.readAllLines(dir.resolve("cgroup.procs")).stream().filter(l -> !l.isBlank()).map(l -> Long.parseLong(l.strip())).toList();
        } catch (IOException | NumberFormatException e) {
            return List.of();
        }
    }

    String describe() {
        return hierarchy.describe(name);
    }

    private List<Path> dirs() {
        Set<Path> dirs = new LinkedHashSet<>();
        hierarchy.roots().keySet().forEach(c -> dirs.add(dir(c)));
        return List.copyOf(dirs);
    }

    private Path dir(String controller) {
        return Optional.ofNullable(hierarchy.roots().get(controller)).orElseThrow().resolve(CgroupHierarchy.PARENT).resolve(name);
    }

    private static void write(Path file, String value) throws IOException {
        Files.writeString(file, value);
    }

    private static void writeIfPresent(Path file, String value) throws IOException {
        if (Files.exists(file)) {
            Files.writeString(file, value);
        }
    }
}
