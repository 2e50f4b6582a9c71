package io.helixstack.plugin.api;

import io.helixstack.domain.Event;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The bus the planes exchange {@link Event}s over: durable named consumers, at-least-once delivery.
 *
 * <p>Delivery: a consumer name is a durable cursor. Every event whose type is in the consumer's set is handed to one of the
 * subscribers currently attached under that name (competing consumers) — or kept until one attaches, across restarts of
 * the bus. A consumer name used for the first time starts at the oldest event the bus keeps (the PostgreSQL bus: every
 * event since it was installed; JetStream: the stream's retention), so nothing published before a plane's first start is
 * missed. A handler that returns normally acknowledges the event; one that throws
 * has it redelivered after the {@link RetryPolicy} backoff, and after {@link RetryPolicy#maxAttempts()} failures it is
 * recorded as a {@link DeadLetter} and the consumer moves on. A handler may see an event twice (a crash between its effect
 * and the acknowledgement), so handlers are idempotent: {@link Delivery#eventId()} is stable across redeliveries.
 *
 * <p>Order: for one consumer name, the events of one deployment are handled one at a time, in publish order, a retried
 * event holding back the later ones until it succeeds or is dead-lettered. Events of different deployments may be handled
 * concurrently by different subscribers (an implementation may give a stronger order; see its documentation).
 *
 * <p>Publishing within the caller's database transaction, so that a state change and its event commit together, is
 * offered by the implementations that share that database ({@code TransactionalEventBus} in helix-bus); the plain
 * {@link #publish(Event)} here commits the event on its own.
 */
public interface EventBus extends AutoCloseable {

    /** What a consumer name may look like: it names a durable cursor in PostgreSQL and a JetStream consumer. */
    Pattern CONSUMER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");

    /** Publishes {@code event}; once this returns, the event is durable and will be delivered. */
    void publish(Event event);

    /**
     * Attaches {@code handler} to the durable consumer {@code consumer} for the given event types; creates the consumer
     * on first use. Subscribing twice under one name, in one process or several, splits the events between the two.
     *
     * @throws IllegalArgumentException if the name does not match {@link #CONSUMER_NAME} or {@code types} is empty
     */
    Subscription subscribe(String consumer, Set<Class<? extends Event>> types, EventHandler handler);

    /** The events {@code consumer} gave up on, oldest first; empty for a consumer that never failed or never existed. */
    List<DeadLetter> deadLetters(String consumer);

    /** Detaches every subscription (letting a handler that is running finish) and releases the bus's resources. */
    @Override
    void close();

    /** Checks a consumer name at the edge, saying what was expected. */
    static String requireConsumerName(String consumer) {
        Objects.requireNonNull(consumer, "consumer");
        if (!CONSUMER_NAME.matcher(consumer).matches()) {
            throw new IllegalArgumentException("consumer name: \"" + consumer
                    + "\" (expected: 1-64 letters, digits, '-' or '_', starting with a letter or digit)");
        }
        return consumer;
    }

    /** Checks a subscription's type set at the edge and returns an immutable copy. */
    static Set<Class<? extends Event>> requireTypes(Set<Class<? extends Event>> types) {
        Objects.requireNonNull(types, "types");
        if (types.isEmpty()) {
            throw new IllegalArgumentException("event types: [] (expected: at least one, e.g. EventTypes.all())");
        }
        return Set.copyOf(types);
    }
}
