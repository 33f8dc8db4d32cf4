package dev.unifarm.api.store;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * Keeps a deletion's sweep from removing a blob that an upload has just stored but not yet recorded:
 * uploads store-and-record under the shared lock, the sweep checks-and-deletes under the exclusive one.
 */
@ApplicationScoped
public class StoreGuard {

    private final ReadWriteLock lock = new ReentrantReadWriteLock();

    public <T> T whileStoring(Supplier<T> storeAndRecord) {
        lock.readLock().lock();
        try {
            return storeAndRecord.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    public void whileSweeping(Runnable checkAndDelete) {
        lock.writeLock().lock();
        try {
            checkAndDelete.run();
        } finally {
            lock.writeLock().unlock();
        }
    }
}
