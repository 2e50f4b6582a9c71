package io.helixstack.plugin.api;

/**
 * Handles one delivered event. Returning normally acknowledges it; throwing anything has it redelivered later (or
 * dead-lettered after the last attempt). Must be idempotent: the same {@link Delivery#eventId()} can arrive twice.
 */
@FunctionalInterface
public interface EventHandler {
    void handle(Delivery delivery) throws Exception;
}
