package dev.unifarm.imager.rootfs;

import dev.unifarm.imager.model.KernelProfile;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Tells an app with a port where to listen, as platforms do: {@code PORT} (Knative's and Unikraft
 * Cloud's convention) and {@code ASPNETCORE_URLS} (what ASP.NET Core's Kestrel reads). Each is left
 * to the spec's env when it sets it; a start request's env still overrides both.
 */
public final class PortEnv {

    static final String PORT = "PORT";
    static final String ASPNETCORE_URLS = "ASPNETCORE_URLS";

    private PortEnv() {
    }

    /** The variables for {@code port}. */
    static Map<String, String> of(int port) {
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put(PORT, Integer.toString(port));
        vars.put(ASPNETCORE_URLS, "http://+:" + port);
        return vars;
    }

    /**
     * Adds the variables {@code env} lacks, when the profile's env capacity has room for them (a
     * Unikraft profile carries few); the build log says which it added, or why none.
     */
    public static void addTo(Map<String, String> env, int port, KernelProfile profile, Consumer<String> log) {
        Map<String, String> missing = new LinkedHashMap<>(of(port));
        missing.keySet().removeAll(env.keySet());
        if (missing.isEmpty()) {
            log.accept("port: spec.env sets " + PORT + " and " + ASPNETCORE_URLS + " itself");
            return;
        }
        if (env.size() + missing.size() > profile.maxEnv()) {
            log.accept("port: " + String.join(" and ", missing.keySet()) + " not set: the " + profile.name()
                    + " kernel profile carries at most " + profile.maxEnv() + " env entries and " + env.size()
                    + " are used; set them in spec.env in place of others for the app to learn its port");
            return;
        }
        env.putAll(missing);
        StringBuilder added = new StringBuilder();
        missing.forEach((name, value) -> added.append(added.isEmpty() ? "" : " ").append(name).append('=').append(value));
        log.accept("port: the app's env has " + added + " (spec.env or a start's env can set them otherwise)");
    }
}
