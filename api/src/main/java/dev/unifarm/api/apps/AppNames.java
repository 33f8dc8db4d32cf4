package dev.unifarm.api.apps;

import dev.unifarm.api.problem.ProblemException;
import java.util.regex.Pattern;

/** App names are DNS-1123 labels, so they work as host names (gateway) and Kubernetes names. */
public final class AppNames {

    private static final Pattern DNS_1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    private AppNames() {
    }

    public static String check(String name) {
        if (name == null || name.isEmpty()) {
            throw ProblemException.badRequest("invalid-name", "the form field \"name\" is required: a DNS-1123 label such as \"shop\"");
        }
        if (!DNS_1123_LABEL.matcher(name).matches()) {
            throw ProblemException.badRequest("invalid-name", "app name \"" + abbreviate(name) + "\" is not a DNS-1123 label: "
                    + "use at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit");
        }
        return name;
    }

    private static String abbreviate(String name) {
        return name.length() > 80 ? name.substring(0, 80) + "…" : name;
    }
}
