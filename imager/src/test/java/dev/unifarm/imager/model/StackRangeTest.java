package dev.unifarm.imager.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class StackRangeTest {

    private static final StackRange LINUX = KernelProfile.linux(Path.of("/boot/vmlinuz")).stack();

    @Test
    void testLinuxProfile_eightMiBBelowTopOfUserSpace() {
        KernelProfile profile = KernelProfile.linux(Path.of("/boot/vmlinuz"));

        assertThat(profile.name()).isEqualTo("linux");
        assertThat(profile.stack().end()).isEqualTo(0x7ffffffff000L);
        assertThat(profile.stack().start()).isEqualTo(0x7fffff7ff000L);
        assertThat(profile.stack().end() - profile.stack().start()).isEqualTo(8L << 20);
        assertThat(profile.maxEnv()).isEqualTo(30);
    }

    @Test
    void testMapsFile_precedingMappingThenStack() {
        String[] lines = LINUX.mapsFile().split("\n", -1);

        assertThat(lines).hasSize(3);
        assertThat(lines[0]).startsWith("7fffff7bf000-7fffff7ff000 rw-p ");
        assertThat(lines[1]).startsWith("7fffff7ff000-7ffffffff000 rw-p 00000000 00:00 0 ").endsWith("[stack]");
        assertThat(lines[2]).as("file ends with a newline").isEmpty();
    }

    @Test
    void testMapsFile_exactText() {
        assertThat(LINUX.mapsFile()).isEqualTo("7fffff7bf000-7fffff7ff000 rw-p 00000000 00:00 0 \n"
                + "7fffff7ff000-7ffffffff000 rw-p 00000000 00:00 0" + " ".repeat(26) + "[stack]\n");
    }

    @Test
    void testMapsFileWithoutStack_onlyPrecedingMapping() {
        assertThat(LINUX.mapsFileWithoutStack()).isEqualTo("7fffff7bf000-7fffff7ff000 rw-p 00000000 00:00 0 \n")
                .doesNotContain("[stack]");
    }

    @Test
    void testMapsFile_smallRange() {
        assertThat(new StackRange(0x100000, 0x200000).mapsFile())
                .startsWith("c0000-100000 ").contains("\n100000-200000 ");
    }

    @Test
    void testNew_endNotAfterStartRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> new StackRange(0x200000, 0x200000));
        assertThatIllegalArgumentException().isThrownBy(() -> new StackRange(0x200000, 0x100000));
    }

    @Test
    void testNew_noRoomForPrecedingMappingRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> new StackRange(StackRange.PRECEDING_MAPPING, 0x100000));
    }
}
