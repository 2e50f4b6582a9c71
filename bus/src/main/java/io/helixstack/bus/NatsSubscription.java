package io.helixstack.bus;

import io.helixstack.domain.Event;
import io.helixstack.plugin.api.Delivery;
import io.helixstack.plugin.api.EventHandler;
import io.helixstack.plugin.api.RetryPolicy;
import io.helixstack.plugin.api.Subscription;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscriber of a durable JetStream pull consumer: fetches one message at a time (so competing subscribers take
 * turns and a closing one holds nothing back), acks after the handler returns, naks with the retry backoff when it
 * throws, and on the last attempt records a dead letter and terminates the message. While the handler runs,
 * {@code inProgress} keeps the server from redelivering it.
 */
final class NatsSubscription implements Subscription {
    private static final Logger log = LoggerFactory.getLogger(NatsSubscription.class);
    static final String MSG_ID = "Nats-Msg-Id";
    /** How long one fetch waits at most: the bound on how long close() waits for the loop. */
    private static final Duration FETCH_WAIT = Duration.ofMillis(500);
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration ERROR_PAUSE = Duration.ofSeconds(1);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

    private final String consumer;
    private final JetStreamSubscription pull;
    private final Set<String> wireTypes;
    private final String subjectPrefix;
    private final EventHandler handler;
    private final RetryPolicy retry;
    private final Duration ackWait;
    private final NatsDeadLetters deadLetters;
    private final ScheduledExecutorService scheduler;
    private final Consumer<NatsSubscription> onClose;
    private final Signal pause = new Signal();
    private final Thread thread;
    private volatile boolean closed;

    NatsSubscription(String consumer, JetStreamSubscription pull, Set<String> wireTypes, NatsEventBus.Settings settings,
            EventHandler handler, NatsDeadLetters deadLetters, ScheduledExecutorService scheduler, Consumer<NatsSubscription> onClose) {
        this.consumer = consumer;
        this.pull = pull;
        this.wireTypes = Set.copyOf(wireTypes);
        this.subjectPrefix = settings.subjectPrefix();
        this.handler = handler;
        this.retry = settings.retry();
        this.ackWait = settings.ackWait();
        this.deadLetters = deadLetters;
        this.scheduler = scheduler;
        this.onClose = onClose;
        this.thread = Thread.ofPlatform().daemon().name("helix-bus-nats-" + consumer).start(this::run);
    }

    @Override
    public String consumer() {
        return consumer;
    }

    private void run() {
        log.atInfo().addKeyValue("consumer", consumer).log("Subscribed");
        while (!closed) {
            List<Message> messages;
            try {
                messages = pull.fetch(1, FETCH_WAIT);
            } catch (RuntimeException e) {
                if (closed) {
                    break;
                }
                log.atWarn().addKeyValue("consumer", consumer).setCause(e).log("Fetching from JetStream failed; trying again");
                pause.await(ERROR_PAUSE);
                continue;
            }
            for (Message message : messages) {
                try {
                    handle(message);
                } catch (RuntimeException e) {
                    // The message was not acked: the server redelivers it after the ack wait.
                    log.atWarn().addKeyValue("consumer", consumer).setCause(e).log("Settling a message failed");
                }
            }
        }
        log.atInfo().addKeyValue("consumer", consumer).log("Unsubscribed");
    }

    private void handle(Message message) {
        String msgId = message.hasHeaders() ? message.getHeaders().getFirst(MSG_ID) : null;
        String wireType = message.getSubject().substring(subjectPrefix.length() + 1);
        if (msgId == null || !msgId.matches("\\d+")) {
            log.atWarn().addKeyValue("consumer", consumer).addKeyValue("subject", message.getSubject())
                    .log("Message without an outbox id (not published by the relay) terminated");
            message.term();
            return;
        }
        long eventId = Long.parseLong(msgId);
        if (!wireTypes.contains(wireType)) {
            // A server before 2.10 filters a consumer on one subject only; the other types are skipped here.
            message.ack();
            return;
        }
        int attempt = (int) message.metaData().deliveredCount();
        if (attempt > retry.maxAttempts()) {
            // Redelivered past the last attempt by ack timeouts: the handler (or its process) never came back.
            giveUp(message, eventId, wireType, attempt - 1, "no acknowledgement after " + (attempt - 1) + " deliveries");
            return;
        }
        Throwable failure = null;
        long every = Math.max(ackWait.toMillis() / 3, 1);
        ScheduledFuture<?> heartbeat = scheduler.scheduleAtFixedRate(message::inProgress, every, every, TimeUnit.MILLISECONDS);
        try {
            Event event = EventCodec.fromWire(message.getData());
            handler.handle(new Delivery(eventId, event, attempt));
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            failure = e;
        } finally {
            heartbeat.cancel(false);
        }
        settle(message, eventId, wireType, attempt, failure);
    }

    private void settle(Message message, long eventId, String wireType, int attempt, Throwable failure) {
        if (failure == null) {
            try {
                message.ackSync(ACK_TIMEOUT);
            } catch (TimeoutException e) {
                log.atWarn().addKeyValue("consumer", consumer).addKeyValue("eventId", eventId)
                        .log("Ack not confirmed; the event may be handled again");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        String error = EventCodec.describe(failure);
        if (retry.exhausted(attempt)) {
            giveUp(message, eventId, wireType, attempt, error);
            return;
        }
        Duration backoff = retry.backoff(attempt);
        message.nakWithDelay(backoff);
        log.atWarn().addKeyValue("consumer", consumer).addKeyValue("eventId", eventId).addKeyValue("type", wireType)
                .addKeyValue("attempt", attempt).addKeyValue("retryIn", backoff).addKeyValue("error", error)
                .log("Event handler failed; will retry");
    }

    private void giveUp(Message message, long eventId, String wireType, int attempts, String error) {
        deadLetters.record(consumer, eventId, message.getData(), attempts, error);
        message.term();
        log.atError().addKeyValue("consumer", consumer).addKeyValue("eventId", eventId).addKeyValue("type", wireType)
                .addKeyValue("attempts", attempts).addKeyValue("error", error).log("Event dead-lettered");
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        pause.wake();
        if (Thread.currentThread() != thread) {
            try {
                thread.join(CLOSE_WAIT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            pull.unsubscribe(); // the durable consumer and its backlog stay on the server
        } catch (IllegalStateException e) {
            log.atDebug().addKeyValue("consumer", consumer).log("Subscription already gone with its connection");
        }
        onClose.accept(this);
    }
}
