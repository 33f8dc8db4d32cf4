package dev.unifarm.scheduler.local.containment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where this host's cgroups take memory, CPU and task limits: the unified (v2) hierarchy when its
 * root offers the controllers, else v1's per-controller hierarchies (a host may mount both, v2 without
 * controllers under {@code unified}, as this machine kind does). Read from {@code /proc/self/mountinfo}.
 *
 * @param v2 whether the limits are v2's ({@code memory.max}, {@code cpu.max}, {@code pids.max})
 * @param roots per controller ({@code memory}, {@code cpu}, {@code pids}) the mount point; one shared root for v2
 */
record CgroupHierarchy(boolean v2, Map<String, Path> roots) {

    static final List<String> CONTROLLERS = List.of("memory", "cpu", "pids");
    /** The farm's cgroups, one child per instance, under each hierarchy's root. */
    static final String PARENT = "unifarm";

    /** The hierarchy to use, empty when the memory controller is nowhere to be found. */
    static Optional<CgroupHierarchy> detect() {
        try {
            return fromMountInfo(Files.readAllLines(Path.of("/proc/self/mountinfo")));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** {@link #detect()} from these {@code mountinfo} lines (a v2 mount's {@code cgroup.controllers} is read from its mount point). */
    static Optional<CgroupHierarchy> fromMountInfo(List<String> mounts) {
        Map<String, Path> v1 = new LinkedHashMap<>();
        for (String line : mounts) {
            String[] sides = line.split(" - ", 2);
            if (sides.length < 2) {
                continue;
            }
            String[] mine = sides[0].split(" ");
            String[] fs = sides[1].split(" ");
            Path mountPoint = Path.of(mine[4].replace("\\040", " "));
            if (fs[0].equals("cgroup2")) {
                Optional<CgroupHierarchy> unified = unified(mountPoint);
                if (unified.isPresent()) {
                    return unified;
                }
            } else if (fs[0].equals("cgroup") && fs.length > 2) {
                for (String option : fs[2].split(",")) {
                    if (CONTROLLERS.contains(option)) {
                        v1.putIfAbsent(option, mountPoint);
                    }
                }
            }
        }
        return v1.containsKey("memory") ? Optional.of(new CgroupHierarchy(false, Map.copyOf(v1))) : Optional.empty();
    }

    private static Optional<CgroupHierarchy> unified(Path root) {
        try {
            List<String> offered = List.of(Files.readString(root.resolve("cgroup.controllers")).strip().split(" "));
            if (!offered.contains("memory")) {
                return Optional.empty();
            }
            Map<String, Path> roots = new LinkedHashMap<>();
            CONTROLLERS.stream().filter(offered::contains).forEach(c -> roots.put(c, root));
            return Optional.of(new CgroupHierarchy(true, Map.copyOf(roots)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Null when the farm can make its {@code unifarm} cgroups (made here, once), else why not: a
     * container's read-only cgroupfs, or a v2 root that will not delegate the controllers.
     */
    String unwritable() {
        try {
            for (Path root : roots.values()) {
                Files.createDirectories(root.resolve(PARENT));
            }
            if (v2) {
                Path root = roots.get("memory");
                String enable = String.join(" ", roots.keySet().stream().map(c -> "+" + c).toList());
                Files.writeString(root.resolve("cgroup.subtree_control"), enable);
                Files.writeString(root.resolve(PARENT).resolve("cgroup.subtree_control"), enable);
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return "cannot write cgroups here (" + e.getMessage() + ")";
        }
    }

    /** {@code v1:/unifarm/NAME} or {@code v2:/unifarm/NAME}, as the instance detail shows it. */
    String describe(String name) {
        return (v2 ? "v2:/" : "v1:/") + PARENT + "/" + name;
    }
}
