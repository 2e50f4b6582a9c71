/**
 * The event bus: {@link io.helixstack.bus.PostgresEventBus} (default: a queue in the platform's PostgreSQL) and
 * {@link io.helixstack.bus.NatsEventBus} (JetStream, the outbox relayed to it), both {@link io.helixstack.bus.TransactionalEventBus}.
 * Starting points: {@link io.helixstack.bus.EventDispatcher} (one handler per event type) and
 * {@link io.helixstack.bus.Idempotency} (one visible effect per event); the tables are in {@code db/bus/V1__bus.sql}.
 */
package io.helixstack.bus;
