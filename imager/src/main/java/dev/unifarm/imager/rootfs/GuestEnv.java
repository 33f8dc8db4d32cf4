package dev.unifarm.imager.rootfs;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Carries env values the {@code linux} kernel command line cannot (spaces, double quotes, non-ASCII,
 * empty values) to the app byte for byte: they travel as one {@code UNIFARM_ENV} word of
 * comma-separated base64 {@code K=V} entries, which {@link GuestInit}'s {@code /init} decodes and
 * exports before it execs the host. Plain values stay {@code K=V} words, readable in the QEMU log.
 */
public final class GuestEnv {

    /** The transport variable; the app never sees it. */
    public static final String VARIABLE = "UNIFARM_ENV";
    /**
     * What Linux passes through unchanged: printable ASCII without space and {@code "} (its only quote).
     * Its {@code isspace} also splits at byte 0xA0, which UTF-8 text contains, so non-ASCII is encoded.
     */
    private static final Pattern PLAIN = Pattern.compile("[\\x21\\x23-\\x7e]+");

    private GuestEnv() {
    }

    /** True when the value can be a bare {@code K=V} word on the kernel command line. */
    public static boolean plain(String value) {
        return PLAIN.matcher(value).matches();
    }

    /** The transport word's value for {@code entries}: base64 of each {@code K=V} (UTF-8), comma-separated. */
    public static String encode(Map<String, String> entries) {
        Base64.Encoder base64 = Base64.getEncoder();
        return entries.entrySet().stream()
                .map(e -> base64.encodeToString((e.getKey() + "=" + e.getValue()).getBytes(StandardCharsets.UTF_8)))
                .collect(Collectors.joining(","));
    }

    /**
     * The init step: decode each entry and export it. {@code echo .} keeps trailing newlines that
     * command substitution would strip; the loop's names are unlikely to be the app's own.
     */
    static void appendTo(StringBuilder s) {
        s.append("# env: values the kernel command line cannot carry arrive base64-encoded in ").append(VARIABLE).append('\n');
        s.append("if [ -n \"$").append(VARIABLE).append("\" ]; then\n");
        s.append("  for unifarm_w in $(echo \"$").append(VARIABLE).append("\" | b tr , ' '); do\n");
        s.append("    unifarm_e=$(echo \"$unifarm_w\" | b base64 -d; echo .)\n");
        s.append("    export \"${unifarm_e%.}\"\n");
        s.append("  done\n");
        s.append("  unset ").append(VARIABLE).append(" unifarm_w unifarm_e\n");
        s.append("fi\n");
    }
}
