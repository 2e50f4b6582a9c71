package io.helixstack.plugin.tck;

import io.helixstack.domain.Event;
import io.helixstack.plugin.api.DeadLetter;
import io.helixstack.plugin.api.Delivery;
import io.helixstack.plugin.api.EventBus;
import io.helixstack.plugin.api.EventHandler;
import io.helixstack.plugin.api.RetryPolicy;
import io.helixstack.plugin.api.Subscription;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The in-memory {@link EventBus}: the same semantics as the real ones (durable consumers, competing subscribers, per
 * deployment order, retry with backoff, dead letters) in one JVM. What a database or a stream would hold lives in a
 * {@link Storage}; bus instances over one storage behave like processes sharing it, and opening a new one after closing
 * the last is a restart.
 */
public final class InMemoryEventBus implements EventBus {
    private static final UUID NO_DEPLOYMENT = new UUID(0, 0);
    private static final Duration IDLE_WAIT = Duration.ofSeconds(1);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

    /** The durable part: the event log, each consumer's backlog and dead letters, and the idempotency records. */
    public static final class Storage {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private final List<Event> log = new ArrayList<>();
        private final Map<String, Backlog> consumers = new HashMap<>();
        private final Set<String> processed = new HashSet<>();
    }

    private static final class Backlog {
        private Set<Class<? extends Event>> types;
        private final TreeMap<Long, Pending> pending = new TreeMap<>();
        private final List<DeadLetter> dead = new ArrayList<>();

        Backlog(Set<Class<? extends Event>> types) {
            this.types = types;
        }
    }

    /** An event a consumer still owes; mutated under the storage lock only. */
    private static final class Pending {
        private final long eventId;
        private final UUID orderingKey;
        private int attempts;
        private long nextAttemptNanos;
        private Worker leasedBy;

        Pending(long eventId, UUID orderingKey, long now) {
            this.eventId = eventId;
            this.orderingKey = orderingKey;
            this.nextAttemptNanos = now;
        }
    }

    private final Storage storage;
    private final RetryPolicy retry;
    private final List<Worker> workers = new CopyOnWriteArrayList<>();

    public InMemoryEventBus(Storage storage, RetryPolicy retry) {
        this.storage = Objects.requireNonNull(storage, "storage");
        this.retry = Objects.requireNonNull(retry, "retry");
    }

    /** A bus with storage of its own and the default retry policy. */
    public InMemoryEventBus() {
        this(new Storage(), RetryPolicy.defaults());
    }

    @Override
    public void publish(Event event) {
        Objects.requireNonNull(event, "event");
        storage.lock.lock();
        try {
            storage.log.add(event);
            long id = storage.log.size();
            storage.consumers.values().forEach(b -> offer(b, id, event));
            storage.changed.signalAll();
        } finally {
            storage.lock.unlock();
        }
    }

    @Override
    public Subscription subscribe(String consumer, Set<Class<? extends Event>> types, EventHandler handler) {
        EventBus.requireConsumerName(consumer);
        Set<Class<? extends Event>> wanted = EventBus.requireTypes(types);
        Objects.requireNonNull(handler, "handler");
        storage.lock.lock();
        try {
            Backlog backlog = storage.consumers.get(consumer);
            if (backlog == null) {
                // A consumer seen for the first time starts at the oldest event the bus keeps, as the real buses do.
                backlog = new Backlog(wanted);
                storage.consumers.put(consumer, backlog);
                for (int i = 0; i < storage.log.size(); i++) {
                    offer(backlog, i + 1, storage.log.get(i));
                }
            } else {
                backlog.types = wanted;
            }
            Worker worker = new Worker(consumer, backlog, handler);
            workers.add(worker);
            worker.thread.start();
            return worker;
        } finally {
            storage.lock.unlock();
        }
    }

    @Override
    public List<DeadLetter> deadLetters(String consumer) {
        storage.lock.lock();
        try {
            Backlog backlog = storage.consumers.get(consumer);
            return backlog == null ? List.of() : List.copyOf(backlog.dead);
        } finally {
            storage.lock.unlock();
        }
    }

    /**
     * The idempotency guard: runs {@code effect} and records {@code (consumer, eventId)} as processed, atomically, unless
     * it was recorded before. Returns whether the effect ran.
     */
    public boolean processOnce(String consumer, long eventId, Runnable effect) {
        storage.lock.lock();
        try {
            if (!storage.processed.add(consumer + "/" + eventId)) {
                return false;
            }
            effect.run();
            return true;
        } finally {
            storage.lock.unlock();
        }
    }

    @Override
    public void close() {
        workers.forEach(Worker::close);
    }

    private static void offer(Backlog backlog, long id, Event event) {
        if (backlog.types.contains(event.getClass())) {
            UUID key = event.deploymentId() == null ? NO_DEPLOYMENT : event.deploymentId();
            backlog.pending.put(id, new Pending(id, key, System.nanoTime()));
        }
    }

    /** One subscription: a thread taking this consumer's next deliverable event, one at a time. */
    private final class Worker implements Subscription, Runnable {
        private final String consumer;
        private final Backlog backlog;
        private final EventHandler handler;
        private final Thread thread;
        private boolean closed;

        Worker(String consumer, Backlog backlog, EventHandler handler) {
            this.consumer = consumer;
            this.backlog = backlog;
            this.handler = handler;
            this.thread = Thread.ofPlatform().daemon().name("helix-bus-memory-" + consumer).unstarted(this);
        }

        @Override
        public String consumer() {
            return consumer;
        }

        @Override
        public void run() {
            while (true) {
                Delivery delivery = next();
                if (delivery == null) {
                    return;
                }
                Throwable failure = null;
                try {
                    handler.handle(delivery);
                } catch (VirtualMachineError e) {
                    throw e;
                } catch (Throwable e) {
                    failure = e;
                }
                settle(delivery, failure);
            }
        }

        /** Waits for a deliverable event, or returns null once closed. */
        private Delivery next() {
            storage.lock.lock();
            try {
                while (!closed) {
                    long now = System.nanoTime();
                    Set<UUID> blocked = new HashSet<>();
                    long wait = IDLE_WAIT.toNanos();
                    for (Pending p : backlog.pending.values()) {
                        boolean due = p.leasedBy == null && p.nextAttemptNanos - now <= 0;
                        // An earlier event of the same deployment still owed (running, backing off) holds this one back.
                        if (due && blocked.add(p.orderingKey)) {
                            p.leasedBy = this;
                            p.attempts++;
                            return new Delivery(p.eventId, storage.log.get((int) p.eventId - 1), p.attempts);
                        }
                        if (p.leasedBy == null && !due) {
                            wait = Math.min(wait, p.nextAttemptNanos - now);
                        }
                        blocked.add(p.orderingKey);
                    }
                    storage.changed.awaitNanos(Math.max(wait, 1));
                }
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            } finally {
                storage.lock.unlock();
            }
        }

        private void settle(Delivery delivery, Throwable failure) {
            storage.lock.lock();
            try {
                Pending p = backlog.pending.get(delivery.eventId());
                if (failure == null) {
                    backlog.pending.remove(delivery.eventId());
                } else if (retry.exhausted(p.attempts)) {
                    backlog.pending.remove(delivery.eventId());
                    backlog.dead.add(new DeadLetter(consumer, delivery.eventId(), delivery.event(), p.attempts,
                            describe(failure), Instant.now()));
                } else {
                    p.leasedBy = null;
                    p.nextAttemptNanos = System.nanoTime() + retry.backoff(p.attempts).toNanos();
                }
                storage.changed.signalAll();
            } finally {
                storage.lock.unlock();
            }
        }

        @Override
        public void close() {
            storage.lock.lock();
            try {
                closed = true;
                storage.changed.signalAll();
            } finally {
                storage.lock.unlock();
            }
            workers.remove(this);
            if (Thread.currentThread() != thread) {
                try {
                    thread.join(CLOSE_WAIT.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    static String describe(Throwable failure) {
        String text = failure.getClass().getName() + ": " + failure.getMessage();
        return text.length() <= 500 ? text : text.substring(0, 500);
    }
}
