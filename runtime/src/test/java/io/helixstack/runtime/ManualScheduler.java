package io.helixstack.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A {@link Scheduler} that only remembers tasks; the test runs them when it chooses, so backoffs take no real time. */
final class ManualScheduler implements Scheduler {
    private record Task(Duration delay, Runnable action) {
    }

    private final List<Task> pending = new ArrayList<>();
    private boolean shutdown;

    @Override
    public synchronized Cancellable schedule(Duration delay, Runnable action) {
        Task task = new Task(delay, action);
        pending.add(task);
        return () -> {
            synchronized (this) {
                pending.remove(task);
            }
        };
    }

    @Override
    public synchronized void shutdown() {
        shutdown = true;
        pending.clear();
    }

    synchronized List<Duration> pendingDelays() {
        return pending.stream().map(Task::delay).toList();
    }

    synchronized boolean isShutdown() {
        return shutdown;
    }

    /** Runs the oldest pending task on the calling thread and returns its delay. */
    Duration runNext() {
        Task task;
        synchronized (this) {
            if (pending.isEmpty()) {
                throw new AssertionError("no task is scheduled");
            }
            task = pending.removeFirst();
        }
        task.action().run();
        return task.delay();
    }
}
