package dev.unifarm.api.gateway;

import java.util.Locale;
import java.util.Optional;

/**
 * Which app a gateway request is for, and the URI the app sees: {@code /{app}/rest?q} → {@code /rest?q};
 * with a domain, {@code Host: {app}.{domain}} → the URI unchanged.
 */
record Route(String app, String uri) {

    static Optional<Route> of(String host, String uri, Optional<String> domain) {
        if (domain.isPresent() && host != null) {
            String name = hostName(host);
            String suffix = "." + domain.get().toLowerCase(Locale.ROOT);
            if (name.endsWith(suffix) && name.length() > suffix.length()) {
                String app = name.substring(0, name.length() - suffix.length());
                if (!app.contains(".")) {
                    return Optional.of(new Route(app, uri));
                }
            }
        }
        return byPath(uri);
    }

    private static Optional<Route> byPath(String uri) {
        if (uri == null || !uri.startsWith("/") || uri.length() == 1) {
            return Optional.empty();
        }
        int end = 1;
        while (end < uri.length() && uri.charAt(end) != '/' && uri.charAt(end) != '?') {
            end++;
        }
        String app = uri.substring(1, end);
        if (app.isEmpty()) {
            return Optional.empty();
        }
        String rest = uri.substring(end);
        // "/shop" and "/shop?q" reach the app's root.
        String forwarded = rest.isEmpty() ? "/" : rest.startsWith("?") ? "/" + rest : rest;
        return Optional.of(new Route(app, forwarded));
    }

    /** The host without a port ({@code shop.example.test:8081} → {@code shop.example.test}), lower case. */
    private static String hostName(String host) {
        int colon = host.lastIndexOf(':');
        String name = colon > 0 && !host.endsWith("]") ? host.substring(0, colon) : host;
        return name.toLowerCase(Locale.ROOT);
    }
}
