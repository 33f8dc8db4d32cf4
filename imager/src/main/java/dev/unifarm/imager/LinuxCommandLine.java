package dev.unifarm.imager;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Renders the {@code linux} profile's kernel command line: the app's host is init ({@code rdinit=}),
 * env entries are {@code K=V} words before {@code --} (Linux hands unknown ones to init's
 * environment), argv follows {@code --}. {@code panic=-1} plus QEMU's {@code -no-reboot} turn init's
 * exit into a VM exit whose panic line carries the exit status.
 */
public final class LinuxCommandLine {

    /** Env names Linux passes to init: a dotted name would be taken for a module parameter. */
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** Linux splits the command line on spaces and knows no escapes beyond double quotes. */
    private static final Pattern WORD = Pattern.compile("[^\\s\"]+");
    /** Linux passes at most 32 argv strings to init (MAX_INIT_ARGS). */
    private static final int MAX_ARGS = 31;
    /** Linux passes at most 32 env strings to init (MAX_INIT_ENVS) and sets HOME and TERM itself. */
    public static final int MAX_ENV = 30;
    /** x86's COMMAND_LINE_SIZE is 2048 bytes including the terminator; a longer line hangs the boot. */
    static final int MAX_LENGTH = 2047;

    private LinuxCommandLine() {
    }

    public static String render(String executable, List<String> argv, Map<String, String> env) {
        validate(argv, env);
        List<String> words = new ArrayList<>(List.of("console=ttyS0", "panic=-1", "norandmaps", "no_timer_check", "quiet",
                "rdinit=" + executable));
        env.forEach((name, value) -> words.add(name + "=" + value));
        words.add("--");
        words.addAll(argv);
        String line = String.join(" ", words);
        if (line.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_LENGTH) {
            throw new ImagerException("invalid-spec", "the kernel command line would be " + line.length()
                    + " bytes, over Linux's limit of " + MAX_LENGTH + ": shorten the args and env values");
        }
        return line;
    }

    /** Refuses what Linux would silently drop or split, with the rule the user broke. */
    public static void validate(List<String> argv, Map<String, String> env) {
        for (var e : env.entrySet()) {
            if (!ENV_NAME.matcher(e.getKey()).matches()) {
                throw new ImagerException("invalid-spec", "env name \"" + e.getKey()
                        + "\" is not allowed: use letters, digits and underscores, not starting with a digit");
            }
            if (!WORD.matcher(e.getValue()).matches()) {
                throw new ImagerException("invalid-spec", "env " + e.getKey()
                        + " must be a non-empty value without spaces or double quotes on the linux kernel profile");
            }
        }
        for (String arg : argv) {
            if (!WORD.matcher(arg).matches()) {
                throw new ImagerException("invalid-spec", "argument \"" + arg
                        + "\" must be non-empty and have no spaces or double quotes on the linux kernel profile");
            }
        }
        if (env.size() > MAX_ENV) {
            throw new ImagerException("invalid-spec", "the linux kernel profile passes at most " + MAX_ENV
                    + " env entries to the app and this start needs " + env.size() + " (including the runtime's own): remove some");
        }
        if (argv.size() > MAX_ARGS) {
            throw new ImagerException("invalid-spec", "at most " + (MAX_ARGS - 1) + " arguments fit on the linux kernel profile");
        }
    }
}
