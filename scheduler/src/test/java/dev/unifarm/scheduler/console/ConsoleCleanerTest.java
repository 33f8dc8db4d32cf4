package dev.unifarm.scheduler.console;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConsoleCleanerTest {

    @Test
    void testClean_removesSeaBiosScreenResetAndCarriageReturn() {
        assertThat(ConsoleCleaner.clean("\u001Bc\u001B[?7l\u001B[2JHello\r")).isEqualTo("Hello");
    }

    @Test
    void testClean_removesEachEscapeKind() {
        assertThat(ConsoleCleaner.clean("a\u001Bcb")).isEqualTo("ab");
        assertThat(ConsoleCleaner.clean("a\u001B[?7lb")).isEqualTo("ab");
        assertThat(ConsoleCleaner.clean("a\u001B[2Jb")).isEqualTo("ab");
        assertThat(ConsoleCleaner.clean("\u001B[1;31mred\u001B[0m")).isEqualTo("red");
        assertThat(ConsoleCleaner.clean("\u001B(Bplain")).isEqualTo("plain");
    }

    @Test
    void testClean_removesControlCharacters() {
        assertThat(ConsoleCleaner.clean("Hel\u0000lo\u0007\r")).isEqualTo("Hello");
    }

    @Test
    void testClean_keepsText() {
        assertThat(ConsoleCleaner.clean("Unhandled Exception: System.InvalidOperationException: [x] 100% {ok}"))
                .isEqualTo("Unhandled Exception: System.InvalidOperationException: [x] 100% {ok}");
        assertThat(ConsoleCleaner.clean("[    2.52] Kernel panic")).isEqualTo("[    2.52] Kernel panic");
        assertThat(ConsoleCleaner.clean("tab\tkept")).isEqualTo("tab\tkept");
        assertThat(ConsoleCleaner.clean("Grüße ✓")).isEqualTo("Grüße ✓");
        assertThat(ConsoleCleaner.clean("")).isEmpty();
    }

    @Test
    void testLines_splitsTheAppLineFromSeaBiosBootingLineAtTheScreenReset() {
        // Raw bytes seen on the serial console: SeaBIOS prints no newline before resetting the screen.
        assertThat(ConsoleCleaner.lines("Booting from ROM..\u001Bc\u001B[?7l\u001B[2JHello from Unifarm!\r"))
                .containsExactly("Booting from ROM..", "Hello from Unifarm!");
    }

    @Test
    void testLines_keepsAnOrdinaryLineWhole() {
        assertThat(ConsoleCleaner.lines("args: [a, b]\r")).containsExactly("args: [a, b]");
        assertThat(ConsoleCleaner.lines("")).containsExactly("");
    }
}
