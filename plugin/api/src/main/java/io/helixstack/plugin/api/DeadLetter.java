package io.helixstack.plugin.api;

import io.helixstack.domain.Event;
import java.time.Instant;
import java.util.Objects;

/**
 * An event a consumer gave up on after {@code attempts} failed deliveries.
 *
 * @param lastError the last failure as {@code ExceptionClass: message}, shortened; never the event's payload
 */
public record DeadLetter(String consumer, long eventId, Event event, int attempts, String lastError, Instant at) {
    public DeadLetter {
        Objects.requireNonNull(consumer, "consumer");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(lastError, "lastError");
        Objects.requireNonNull(at, "at");
    }
}
