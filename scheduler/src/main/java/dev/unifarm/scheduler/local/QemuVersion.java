package dev.unifarm.scheduler.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * This host's QEMU version, as {@code qemu-system-x86_64 --version} says it ({@code QEMU emulator version 7.2.22
 * (Debian …)} gives {@code 7.2.22}): a snapshot restores only on the QEMU that took it. Asked once per JVM.
 */
final class QemuVersion {

    private static final Pattern VERSION = Pattern.compile("QEMU emulator version (\\S+)");

    private QemuVersion() {
    }

    /** The version, or empty when QEMU is missing or says something else. */
    static Optional<String> ofThisHost() {
        return Holder.VERSION;
    }

    static Optional<String> parse(String output) {
        Matcher matcher = VERSION.matcher(output);
        return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    private static final class Holder {
        static final Optional<String> VERSION = ask();
    }

    private static Optional<String> ask() {
        try {
            Process process = new ProcessBuilder(QemuCommand.BINARY, "--version").redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return Optional.empty();
            }
            return process.exitValue() == 0 ? parse(output) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
