package io.helixstack.delivery;

import io.helixstack.plugin.api.Endpoint;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Counts requests (and WebSocket sessions) in flight per endpoint, so a drain can wait until the old instances are idle.
 * The hot path is a lock-free map update; the lock is taken only when a count reaches zero while someone is draining.
 */
final class InFlightTracker {
    private final ConcurrentMap<Endpoint, Integer> counts = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition someEndpointIdle = lock.newCondition();
    private final AtomicInteger waiters = new AtomicInteger();

    void begin(Endpoint endpoint) {
        counts.merge(endpoint, 1, Integer::sum);
    }

    void end(Endpoint endpoint) {
        // Removing the entry at zero keeps the map as small as the set of busy endpoints.
        boolean idle = counts.computeIfPresent(endpoint, (e, n) -> n == 1 ? null : n - 1) == null;
        // A waiter registers before it checks the counts, so if it is not registered yet it will see this decrement.
        if (idle && waiters.get() > 0) {
            lock.lock();
            try {
                someEndpointIdle.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    int inFlight(Endpoint endpoint) {
        return counts.getOrDefault(endpoint, 0);
    }

    /** @return true once none of {@code endpoints} has anything in flight, false if that took longer than {@code timeout} */
    boolean awaitIdle(Collection<Endpoint> endpoints, Duration timeout) {
        long nanos = timeout.toNanos();
        waiters.incrementAndGet();
        lock.lock();
        try {
            // The check runs under the lock that end() signals under, so a decrement between check and await is not lost.
            while (endpoints.stream().anyMatch(counts::containsKey)) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = someEndpointIdle.awaitNanos(nanos);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
            waiters.decrementAndGet();
        }
    }
}
