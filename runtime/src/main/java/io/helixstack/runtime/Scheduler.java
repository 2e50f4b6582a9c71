package io.helixstack.runtime;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** Runs a task later. An interface so tests run restarts when they choose instead of waiting out real backoffs. */
interface Scheduler {
    Cancellable schedule(Duration delay, Runnable task);

    /** Stops scheduling; pending tasks are dropped. */
    void shutdown();

    interface Cancellable {
        void cancel();
    }

    static Scheduler of(ScheduledExecutorService executor) {
        return new Scheduler() {
            @Override
            public Cancellable schedule(Duration delay, Runnable task) {
                ScheduledFuture<?> future = executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
                return () -> future.cancel(false);
            }

            @Override
            public void shutdown() {
                executor.shutdownNow();
            }
        };
    }
}
