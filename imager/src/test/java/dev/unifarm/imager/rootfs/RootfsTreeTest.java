package dev.unifarm.imager.rootfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RootfsTreeTest {

    @Test
    void testPut_parentsCreatedAsDirectories() {
        RootfsTree tree = new RootfsTree().text("/a/b/c.txt", "x");

        assertThat(paths(tree)).containsExactly("/a", "/a/b", "/a/b/c.txt");
        assertThat(tree.entries()).first().isEqualTo(new RootfsEntry.Directory("/a", 0755));
        assertThat(tree.contains("/a/b")).isTrue();
    }

    @Test
    void testEntries_sortedWhateverTheInsertionOrder() {
        RootfsTree tree = new RootfsTree()
                .text("/usr/z", "z")
                .symlink("/proc/self", "1")
                .charDevice("/dev/null", 1, 3)
                .text("/app/a.dll", "a")
                .text("/app-data/x", "x");

        assertThat(paths(tree)).isSorted()
                .containsExactly("/app", "/app-data", "/app-data/x", "/app/a.dll", "/dev", "/dev/null", "/proc", "/proc/self",
                        "/usr", "/usr/z");
    }

    @Test
    void testPut_duplicatePathRefused() {
        RootfsTree tree = new RootfsTree().text("/etc/hosts", "a");

        assertThatIllegalStateException().isThrownBy(() -> tree.text("/etc/hosts", "b")).withMessageContaining("/etc/hosts");
        assertThatIllegalStateException().isThrownBy(() -> tree.symlink("/etc/hosts", "/x"));
        assertThatIllegalStateException().isThrownBy(() -> tree.copy("/etc/hosts", 0644, Path.of("/etc/hosts")));
    }

    @Test
    void testPut_fileOverDirectoryRefused() {
        RootfsTree tree = new RootfsTree().text("/etc/hosts", "a");

        assertThatIllegalStateException().isThrownBy(() -> tree.text("/etc", "not a dir"));
    }

    @Test
    void testDirectory_explicitModeReplacesImpliedParent() {
        RootfsTree tree = new RootfsTree().text("/tmp/x", "x").directory("/tmp", 01777);

        assertThat(tree.entries()).contains(new RootfsEntry.Directory("/tmp", 01777))
                .doesNotContain(new RootfsEntry.Directory("/tmp", 0755));
    }

    @ParameterizedTest
    @ValueSource(strings = {"relative/x", "/a//b", "/a/", "/a/../b", "/../b", "", "/a/..", "/a/./b", "/a/."})
    void testPut_nonCleanPathRefused(String path) {
        RootfsTree tree = new RootfsTree();

        assertThatIllegalArgumentException().isThrownBy(() -> tree.text(path, "x")).withMessageContaining("clean");
        assertThat(tree.entries()).isEmpty();
    }

    @Test
    void testCharDevice_readableAndWritableByAll() {
        RootfsTree tree = new RootfsTree().charDevice("/dev/zero", 1, 5);

        assertThat(tree.entries()).contains(new RootfsEntry.CharDevice("/dev/zero", 0666, 1, 5));
    }

    private static List<String> paths(RootfsTree tree) {
        return tree.entries().stream().map(RootfsEntry::path).toList();
    }
}
