package dev.unifarm.imager.kernel;

import dev.unifarm.imager.model.ImagerException;
import dev.unifarm.imager.model.KernelProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Renders the {@code unikraft} command line (docs/images.md, "Kernel profiles"):
 * {@code vfs.fstab=[ "fs0:/:9pfs" ] env.vars=[ K=V … ] -- <loader> <host> /app/X.dll args…}.
 *
 * <p>How Unikraft reads it: ukargparse splits on unquoted whitespace and drops the quote characters,
 * where a {@code "…"} or {@code '…'} run keeps its spaces and the other quote character, and there is
 * no backslash escape; libparam then reads {@code name=[} … {@code ]} lists, where a token ending in
 * {@code ]} ends the list. So an entry with spaces or quotes is wrapped in the quote it does not
 * contain, and what cannot be written that way is refused. {@code --} ends the parameters only
 * because {@code vfs.fstab} always precedes it.
 */
public final class UnikraftCommandLine {

    /** app-elfloader extracts the initrd (cpio newc) into a ramfs at {@code /}. */
    static final String FSTAB_INITRD = "initrd0:/:extract:::";
    /** The 9p mount tag QEMU's virtio-9p device must carry. */
    public static final String MOUNT_TAG = "fs0";
    static final String FSTAB_9PFS = MOUNT_TAG + ":/:9pfs";
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** ukargparse's whitespace, and control characters that have no business on a command line. */
    private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}]");
    /** ukboot keeps at most 60 tokens (LIBUKBOOT_MAXNBARGS), the kernel's own name among them. */
    static final int MAX_TOKENS = 59;

    private UnikraftCommandLine() {
    }

    /**
     * @param program argv as the kernel starts it: loader (if any), host, main assembly, args
     * @param maxEnv the profile's env.vars capacity
     */
    public static String render(KernelProfile.Delivery delivery, List<String> program, Map<String, String> env, int maxEnv) {
        validate(program, env);
        if (env.size() > maxEnv) {
            throw new ImagerException("invalid-spec", "the unikraft kernel profile passes at most " + maxEnv
                    + " env entries (env.vars) and this start needs " + env.size() + " (including the runtime's own): remove some");
        }
        List<String> tokens = new ArrayList<>();
        tokens.add("vfs.fstab=[");
        tokens.add("\"" + (delivery == KernelProfile.Delivery.NINE_P ? FSTAB_9PFS : FSTAB_INITRD) + "\"");
        tokens.add("]");
        if (!env.isEmpty()) {
            tokens.add("env.vars=[");
            env.forEach((name, value) -> tokens.add(quote(name + "=" + value)));
            tokens.add("]");
        }
        tokens.add("--");
        program.forEach(word -> tokens.add(quote(word)));
        if (tokens.size() > MAX_TOKENS) {
            throw new ImagerException("invalid-spec", "the unikraft command line would have " + tokens.size()
                    + " words and the kernel reads at most " + MAX_TOKENS + ": pass fewer args or env entries");
        }
        return String.join(" ", tokens);
    }

    /** Refuses what ukargparse and libparam would split, drop or misread, with the rule broken. */
    public static void validate(List<String> argv, Map<String, String> env) {
        for (var e : env.entrySet()) {
            if (!ENV_NAME.matcher(e.getKey()).matches()) {
                throw new ImagerException("invalid-spec", "env name \"" + e.getKey()
                        + "\" is not allowed: use letters, digits and underscores, not starting with a digit");
            }
            String entry = e.getKey() + "=" + e.getValue();
            checkWritable(entry, "env " + e.getKey());
            if (entry.endsWith("]")) {
                throw new ImagerException("invalid-spec", "env " + e.getKey()
                        + " must not end with \"]\" on the unikraft kernel profile: Unikraft reads it as the end of env.vars");
            }
        }
        for (String arg : argv) {
            if (arg.isEmpty()) {
                throw new ImagerException("invalid-spec", "empty arguments cannot be passed on the unikraft kernel profile");
            }
            checkWritable(arg, "argument \"" + arg + "\"");
        }
    }

    private static void checkWritable(String word, String what) {
        if (CONTROL.matcher(word).find()) {
            throw new ImagerException("invalid-spec", what + " must not contain tabs, newlines or other control characters");
        }
        if (word.contains("\"") && word.contains("'")) {
            throw new ImagerException("invalid-spec", what + " must not contain both ' and \" on the unikraft kernel profile:"
                    + " its command line has no escape character");
        }
    }

    /** The word as one ukargparse token: bare if it can be, else inside the quote it does not contain. */
    static String quote(String word) {
        if (!word.contains(" ") && !word.contains("\"") && !word.contains("'")) {
            return word;
        }
        return word.contains("\"") ? "'" + word + "'" : "\"" + word + "\"";
    }
}
