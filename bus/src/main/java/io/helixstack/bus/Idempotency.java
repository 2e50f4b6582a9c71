package io.helixstack.bus;

import io.helixstack.plugin.api.Delivery;
import io.helixstack.plugin.api.EventBus;
import io.helixstack.plugin.api.EventHandler;
import java.util.Objects;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * "An event delivered twice has one visible effect": a handler makes its database effect and records
 * {@code (consumer, event id)} in {@code bus_processed} in one transaction, so a redelivery — after a crash between
 * that commit and the acknowledgement — finds the record and does nothing. Works with either bus (both keep their
 * outbox in PostgreSQL).
 */
public final class Idempotency {
    private Idempotency() {
    }

    /** A handler whose effect is written through the handle of the transaction that records it as processed. */
    @FunctionalInterface
    public interface TransactionalHandler {
        void handle(Handle handle, Delivery delivery) throws Exception;
    }

    /**
     * Records the delivery's event as processed by {@code consumer} in {@code handle}'s transaction; returns false when it
     * was recorded before (the effect is already there). Call it first in the transaction that makes the effect.
     */
    public static boolean firstDelivery(Handle handle, String consumer, long eventId) {
        return handle.createUpdate("insert into bus_processed (consumer, event_id) values (:consumer, :event) on conflict do nothing")
                .bind("consumer", consumer).bind("event", eventId).execute() == 1;
    }

    /**
     * Wraps {@code handler} so it runs at most once per event for {@code consumer}: in one transaction on {@code jdbi},
     * the processed record is inserted and, if new, the handler runs; if the handler throws, both roll back and the
     * redelivery tries again.
     */
    public static EventHandler once(Jdbi jdbi, String consumer, TransactionalHandler handler) {
        Objects.requireNonNull(jdbi, "jdbi");
        EventBus.requireConsumerName(consumer);
        Objects.requireNonNull(handler, "handler");
        return delivery -> jdbi.<Exception>useTransaction(h -> {
            if (firstDelivery(h, consumer, delivery.eventId())) {
                handler.handle(h, delivery);
            }
        });
    }
}
