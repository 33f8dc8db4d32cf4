package dev.unifarm.imager.kernel;

import dev.unifarm.imager.model.ImagerException;
import dev.unifarm.imager.model.KernelProfile;
import dev.unifarm.imager.rootfs.GuestEnv;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Renders the {@code linux} profile's kernel command line: the app's host is init ({@code rdinit=}),
 * env entries are {@code K=V} words before {@code --} (Linux hands unknown ones to init's
 * environment), argv follows {@code --}. {@code panic=-1} plus QEMU's {@code -no-reboot} turn init's
 * exit into a VM exit whose panic line carries the exit status. Values that are not plain words go
 * in one {@link GuestEnv} word when the image's {@code /init} decodes it ({@code initEnv}).
 */
public final class LinuxCommandLine {

    /** Env names Linux passes to init: a dotted name would be taken for a module parameter. */
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** Linux splits the command line on spaces and knows no escapes beyond double quotes. */
    private static final Pattern WORD = Pattern.compile("[^\\s\"]+");
    /** A character no environment can hold (C strings end there). */
    private static final char NUL = '\0';
    /** Linux passes at most 32 argv strings to init (MAX_INIT_ARGS). */
    private static final int MAX_ARGS = 31;
    /** Linux passes at most 32 env strings to init (MAX_INIT_ENVS) and sets HOME and TERM itself. */
    public static final int MAX_ENV = KernelProfile.LINUX_MAX_ENV;
    /** x86's COMMAND_LINE_SIZE is 2048 bytes including the terminator; a longer line hangs the boot. */
    static final int MAX_LENGTH = 2047;

    private LinuxCommandLine() {
    }

    /** An image without an env-decoding {@code /init}: every env value must be a plain word. */
    public static String render(String executable, List<String> argv, Map<String, String> env) {
        return render(executable, argv, env, false);
    }

    public static String render(String executable, List<String> argv, Map<String, String> env, boolean initEnv) {
        validate(argv, env, initEnv);
        List<String> words = new ArrayList<>(List.of("console=ttyS0", "panic=-1", "norandmaps", "no_timer_check", "quiet",
                "rdinit=" + executable));
        Map<String, String> encoded = new TreeMap<>();
        env.forEach((name, value) -> {
            if (GuestEnv.plain(value)) {
                words.add(name + "=" + value);
            } else {
                encoded.put(name, value);
            }
        });
        if (!encoded.isEmpty()) {
            words.add(GuestEnv.VARIABLE + "=" + GuestEnv.encode(encoded));
        }
        words.add("--");
        words.addAll(argv);
        String line = String.join(" ", words);
        if (line.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_LENGTH) {
            throw new ImagerException("invalid-spec", "the kernel command line would be " + line.length()
                    + " bytes, over Linux's limit of " + MAX_LENGTH + ": shorten the args and env values"
                    + (encoded.isEmpty() ? "" : " (values with spaces, quotes or non-ASCII characters travel base64-encoded, a third longer)"));
        }
        return line;
    }

    /** As {@link #validate(List, Map, boolean)} for an image without an env-decoding {@code /init}. */
    public static void validate(List<String> argv, Map<String, String> env) {
        validate(argv, env, false);
    }

    /** Refuses what Linux would silently drop or split, with the rule the user broke. */
    public static void validate(List<String> argv, Map<String, String> env, boolean initEnv) {
        for (var e : env.entrySet()) {
            if (!ENV_NAME.matcher(e.getKey()).matches()) {
                throw new ImagerException("invalid-spec", "env name \"" + e.getKey()
                        + "\" is not allowed: use letters, digits and underscores, not starting with a digit");
            }
            if (e.getKey().equals(GuestEnv.VARIABLE)) {
                throw new ImagerException("invalid-spec", "env name " + GuestEnv.VARIABLE
                        + " is the farm's own (it carries the other values to the guest): use another name");
            }
            if (e.getValue().indexOf(NUL) >= 0) {
                throw new ImagerException("invalid-spec", "env " + e.getKey() + " contains a NUL character (\\u0000),"
                        + " which no process environment can hold: remove it");
            }
            if (!initEnv && !GuestEnv.plain(e.getValue())) {
                throw new ImagerException("invalid-spec", "env " + e.getKey() + " has spaces, double quotes, non-ASCII"
                        + " characters or is empty, which the linux kernel command line cannot carry, and this image has no"
                        + " /init to carry them (it needs a static busybox: run scripts/provision, then upload the app again)");
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
