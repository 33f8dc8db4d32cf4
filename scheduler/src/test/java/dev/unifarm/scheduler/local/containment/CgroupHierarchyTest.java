package dev.unifarm.scheduler.local.containment;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which cgroup files cap an instance: v2 where its root offers the controllers, else v1's (this machine kind's hybrid). */
class CgroupHierarchyTest {

    @TempDir
    Path root;

    @Test
    void testHybrid_v1ControllersWinOverAnEmptyUnifiedHierarchy() throws IOException {
        Path unified = Files.createDirectories(root.resolve("unified"));
        Files.writeString(unified.resolve("cgroup.controllers"), "\n");
        List<String> mountinfo = List.of(
                "30 25 0:26 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory",
                "31 25 0:27 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu",
                "32 25 0:28 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids",
                "33 25 0:29 / " + unified + " rw,relatime - cgroup2 cgroup2 rw");

        CgroupHierarchy hierarchy = CgroupHierarchy.fromMountInfo(mountinfo).orElseThrow();

        assertThat(hierarchy.v2()).isFalse();
        assertThat(hierarchy.roots()).isEqualTo(Map.of("memory", Path.of("/sys/fs/cgroup/memory"), "cpu", Path.of("/sys/fs/cgroup/cpu"),
                "pids", Path.of("/sys/fs/cgroup/pids")));
        assertThat(hierarchy.describe("n1-ab")).isEqualTo("v1:/unifarm/n1-ab");
    }

    @Test
    void testUnified_v2WithItsControllersIsUsedAlone() throws IOException {
        Files.writeString(root.resolve("cgroup.controllers"), "cpuset cpu io memory pids\n");
        List<String> mountinfo = List.of("35 24 0:30 / " + root + " rw,nosuid - cgroup2 cgroup2 rw,nsdelegate");

        CgroupHierarchy hierarchy = CgroupHierarchy.fromMountInfo(mountinfo).orElseThrow();

        assertThat(hierarchy.v2()).isTrue();
        assertThat(hierarchy.roots()).isEqualTo(Map.of("memory", root, "cpu", root, "pids", root));
    }

    @Test
    void testNoMemoryController_noCaps() {
        assertThat(CgroupHierarchy.fromMountInfo(List.of("30 25 0:26 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu"))).isEmpty();
    }
}
