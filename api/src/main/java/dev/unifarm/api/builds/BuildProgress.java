package dev.unifarm.api.builds;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The build log of the builds running now, line by line, for the build event stream; a finished
 * build's log is in its revision row.
 */
@ApplicationScoped
public class BuildProgress {

    private final Map<String, List<String>> running = new ConcurrentHashMap<>();

    /** A log the build appends to; it is readable here until {@link #finish}. */
    public List<String> start(String app, int number) {
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        running.put(key(app, number), log);
        return log;
    }

    public void finish(String app, int number) {
        running.remove(key(app, number));
    }

    /** A copy of the running build's log so far; empty when the build is not running here. */
    public Optional<List<String>> lines(String app, int number) {
        List<String> log = running.get(key(app, number));
        if (log == null) {
            return Optional.empty();
        }
        synchronized (log) {
            return Optional.of(List.copyOf(log));
        }
    }

    private static String key(String app, int number) {
        return app + "/" + number;
    }
}
