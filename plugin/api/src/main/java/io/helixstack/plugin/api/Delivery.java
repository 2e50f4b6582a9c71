package io.helixstack.plugin.api;

import io.helixstack.domain.Event;
import java.util.Objects;

/**
 * One delivery of an event to a consumer.
 *
 * @param eventId the event's position in the outbox: unique on the bus and the same on every redelivery, so it keys
 *     idempotency records
 * @param attempt 1 on first delivery, counting up on every redelivery
 */
public record Delivery(long eventId, Event event, int attempt) {
    public Delivery {
        Objects.requireNonNull(event, "event");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt: " + attempt + " (expected: >= 1)");
        }
    }
}
