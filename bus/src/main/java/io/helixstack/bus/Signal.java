package io.helixstack.bus;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A wake-up that is not lost: {@link #wake()} before {@link #await} makes the wait return at once. A loop calls
 * {@link #clear()}, looks for work, and awaits only when it found none.
 */
final class Signal {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition woken = lock.newCondition();
    private boolean pending;

    void wake() {
        lock.lock();
        try {
            pending = true;
            woken.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void clear() {
        lock.lock();
        try {
            pending = false;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until woken or {@code timeout} passed; returns whether it was woken. */
    boolean await(Duration timeout) {
        lock.lock();
        try {
            long nanos = timeout.toNanos();
            while (!pending && nanos > 0) {
                nanos = woken.awaitNanos(nanos);
            }
            return pending;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return pending;
        } finally {
            lock.unlock();
        }
    }

    static Duration atMost(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    static long millis(Duration d) {
        return TimeUnit.NANOSECONDS.toMillis(d.toNanos());
    }
}
