package dev.unifarm.scheduler.console;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jboss.logging.Logger;

/**
 * Wakes followers of a growing file as soon as its directory changes (inotify through the JDK's
 * {@link WatchService}), so a console line is seen when it is written instead of at the next poll.
 * One watch service and one dispatcher thread for the whole JVM (each {@code WatchService} has a
 * thread of its own); followers still wait with a timeout, so a missed or overflowed event only
 * costs that timeout, never a line.
 */
public final class FileWatch {

    private static final Logger LOG = Logger.getLogger(FileWatch.class);
    private static final FileWatch SHARED = new FileWatch();

    private final WatchService service;
    private final Map<WatchKey, List<Signal>> signals = new ConcurrentHashMap<>();

    private FileWatch() {
        WatchService created;
        try {
            created = FileSystems.getDefault().newWatchService();
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warnf("no file watching (%s): console followers poll", e.getMessage());
            created = null;
        }
        service = created;
        if (service != null) {
            Thread dispatcher = new Thread(this::dispatch, "file-watch");
            dispatcher.setDaemon(true);
            dispatcher.start();
        }
    }

    /** A signal that fires whenever a file in {@code dir} is created or modified; close it when done. */
    public static Signal watch(Path dir) {
        return SHARED.register(dir);
    }

    /** Synchronized with {@link #unregister}: the JDK hands out one key per directory, which the last follower cancels. */
    private synchronized Signal register(Path dir) {
        if (service == null) {
            return new Signal(null, null);
        }
        try {
            WatchKey key = dir.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
            Signal signal = new Signal(this, key);
            signals.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(signal);
            return signal;
        } catch (IOException e) {
            LOG.debugf("cannot watch %s (%s): its followers poll", dir, e.getMessage());
            return new Signal(null, null);
        }
    }

    private synchronized void unregister(WatchKey key, Signal signal) {
        signals.computeIfPresent(key, (k, list) -> {
            list.remove(signal);
            if (list.isEmpty()) {
                key.cancel(); // the directory's last follower: inotify stops reporting it
                return null;
            }
            return list;
        });
    }

    private void dispatch() {
        while (true) {
            WatchKey key;
            try {
                key = service.take();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
            key.pollEvents(); // what changed does not matter: followers read what is new
            key.reset();
            signals.getOrDefault(key, List.of()).forEach(Signal::fire);
        }
    }

    /** Fired by changes in one directory; {@link #await} returns on the next change or after its timeout. */
    public static final class Signal implements AutoCloseable {

        private final FileWatch owner;
        private final WatchKey key;
        private boolean fired;

        private Signal(FileWatch owner, WatchKey key) {
            this.owner = owner;
            this.key = key;
        }

        private synchronized void fire() {
            fired = true;
            notifyAll();
        }

        /** Waits until the directory changed since the last call, or {@code millis} passed. */
        public synchronized void await(long millis) throws InterruptedException {
            long deadline = System.nanoTime() + millis * 1_000_000;
            while (!fired) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    break;
                }
                wait(left);
            }
            fired = false;
        }

        @Override
        public void close() {
            if (owner != null) {
                owner.unregister(key, this);
            }
        }
    }
}
