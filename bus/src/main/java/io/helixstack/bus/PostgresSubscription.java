package io.helixstack.bus;

import io.helixstack.domain.Event;
import io.helixstack.plugin.api.Delivery;
import io.helixstack.plugin.api.EventHandler;
import io.helixstack.plugin.api.Subscription;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscriber of a PostgreSQL consumer: a thread that claims a batch of delivery rows (at most one per deployment),
 * handles them one by one, acks or schedules a retry for each, and sleeps on a {@link Signal} the listener or a due
 * retry wakes. While it holds rows a heartbeat extends their lease; if the process dies the leases run out and another
 * subscriber takes the rows over. A handler that runs long (a build) gives the rest of its batch back, so competing
 * subscribers are not kept waiting behind it.
 */
final class PostgresSubscription implements Subscription {
    private static final Logger log = LoggerFactory.getLogger(PostgresSubscription.class);
    private static final Duration ERROR_PAUSE = Duration.ofSeconds(1);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);
    /** How long a handler may run before the events claimed behind it go back to the other subscribers. */
    static final Duration GIVE_BACK_AFTER = Duration.ofMillis(500);

    private final String consumer;
    private final UUID id = UUID.randomUUID();
    private final Deliveries deliveries;
    private final EventHandler handler;
    private final PostgresEventBus.Settings settings;
    private final Signal signal = new Signal();
    private final Consumer<PostgresSubscription> onClose;
    private final Runnable waker = this::wake;
    /** Claimed and not started; the loop and the give-back task take from it under its own lock, so never both. */
    private final Deque<Deliveries.Claimed> claimed = new ArrayDeque<>();
    private final Thread thread;
    private final ScheduledFuture<?> heartbeat;
    private final ScheduledFuture<?> giveBack;
    private volatile long handlingSince;
    private volatile boolean closed;

    PostgresSubscription(String consumer, Deliveries deliveries, EventHandler handler, PostgresEventBus.Settings settings,
            ScheduledExecutorService scheduler, Consumer<PostgresSubscription> onClose) {
        this.consumer = consumer;
        this.deliveries = deliveries;
        this.handler = handler;
        this.settings = settings;
        this.onClose = onClose;
        long every = Math.max(settings.lease().toMillis() / 3, 1);
        this.heartbeat = scheduler.scheduleAtFixedRate(this::extendLeases, every, every, TimeUnit.MILLISECONDS);
        long check = GIVE_BACK_AFTER.toMillis() / 2;
        this.giveBack = scheduler.scheduleAtFixedRate(this::giveBackIfSlow, check, check, TimeUnit.MILLISECONDS);
        this.thread = Thread.ofPlatform().daemon().name("helix-bus-" + consumer).start(this::run);
    }

    @Override
    public String consumer() {
        return consumer;
    }

    /** What the listener calls when an event committed; one instance, so it can be removed again. */
    Runnable waker() {
        return waker;
    }

    private void wake() {
        signal.wake();
    }

    private void run() {
        log.atInfo().addKeyValue("consumer", consumer).addKeyValue("subscriber", id).log("Subscribed");
        while (!closed) {
            signal.clear();
            List<Deliveries.Claimed> batch;
            try {
                batch = deliveries.claim(consumer, id, settings.batchSize(), settings.lease());
            } catch (RuntimeException e) {
                log.atWarn().addKeyValue("consumer", consumer).setCause(e).log("Claiming events failed; trying again");
                signal.await(ERROR_PAUSE);
                continue;
            }
            if (batch.isEmpty()) {
                signal.await(idleWait());
                continue;
            }
            synchronized (claimed) {
                claimed.addAll(batch);
            }
            Deliveries.Claimed next;
            while (!closed && (next = next()) != null) {
                handlingSince = System.nanoTime();
                handle(next);
                handlingSince = 0;
            }
        }
        try {
            // What is still leased to this subscriber was never started.
            deliveries.release(id);
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("consumer", consumer).setCause(e).log("Releasing claimed events failed; their leases will run out");
        }
        log.atInfo().addKeyValue("consumer", consumer).addKeyValue("subscriber", id).log("Unsubscribed");
    }

    private Deliveries.Claimed next() {
        synchronized (claimed) {
            return claimed.poll();
        }
    }

    private Duration idleWait() {
        try {
            return deliveries.untilNextDue(consumer).map(d -> Signal.atMost(d, settings.fallbackPoll())).orElse(settings.fallbackPoll());
        } catch (RuntimeException e) {
            return ERROR_PAUSE;
        }
    }

    private void handle(Deliveries.Claimed row) {
        Throwable failure = null;
        try {
            Event event = EventCodec.decode(row.type(), row.payload());
            handler.handle(new Delivery(row.eventId(), event, row.attempts()));
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            failure = e;
        }
        try {
            settle(row, failure);
        } catch (RuntimeException e) {
            // The lease runs out and the event is delivered again: at least once, never lost.
            log.atWarn().addKeyValue("consumer", consumer).addKeyValue("eventId", row.eventId()).setCause(e)
                    .log("Recording the outcome of an event failed");
        }
    }

    private void settle(Deliveries.Claimed row, Throwable failure) {
        if (failure == null) {
            if (!deliveries.ack(consumer, id, row.eventId())) {
                log.atWarn().addKeyValue("consumer", consumer).addKeyValue("eventId", row.eventId())
                        .log("Lease lost before the ack; the event may be handled again");
            }
            return;
        }
        String error = EventCodec.describe(failure);
        if (settings.retry().exhausted(row.attempts())) {
            deliveries.deadLetter(consumer, id, row.eventId(), error);
            log.atError().addKeyValue("consumer", consumer).addKeyValue("eventId", row.eventId())
                    .addKeyValue("type", row.type()).addKeyValue("attempts", row.attempts()).setCause(failure)
                    .log("Event dead-lettered");
        } else {
            Duration backoff = settings.retry().backoff(row.attempts());
            deliveries.retryLater(consumer, id, row.eventId(), backoff, error);
            log.atWarn().addKeyValue("consumer", consumer).addKeyValue("eventId", row.eventId())
                    .addKeyValue("type", row.type()).addKeyValue("attempt", row.attempts())
                    .addKeyValue("retryIn", backoff).addKeyValue("error", error).log("Event handler failed; will retry");
        }
    }

    private void extendLeases() {
        try {
            deliveries.extendLeases(id, settings.lease());
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("consumer", consumer).setCause(e).log("Extending leases failed");
        }
    }

    private void giveBackIfSlow() {
        long since = handlingSince;
        if (since == 0 || System.nanoTime() - since < GIVE_BACK_AFTER.toNanos()) {
            return;
        }
        List<Long> rest;
        synchronized (claimed) {
            rest = claimed.stream().map(Deliveries.Claimed::eventId).toList();
            claimed.clear();
        }
        if (rest.isEmpty()) {
            return;
        }
        try {
            deliveries.release(id, rest);
            log.atDebug().addKeyValue("consumer", consumer).addKeyValue("events", rest.size()).log("Slow handler gave its batch back");
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("consumer", consumer).setCause(e).log("Giving a batch back failed; its leases will run out");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        signal.wake();
        if (Thread.currentThread() != thread) {
            try {
                thread.join(CLOSE_WAIT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        giveBack.cancel(false);
        heartbeat.cancel(false);
        onClose.accept(this);
    }
}
