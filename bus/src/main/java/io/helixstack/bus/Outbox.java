package io.helixstack.bus;

import io.helixstack.domain.Event;
import java.util.Objects;
import org.jdbi.v3.core.Handle;

/** Writes the store's {@code events} outbox, in the same shape as the store's own {@code EventOutbox}. */
final class Outbox {
    private Outbox() {
    }

    static long append(Handle handle, Event event) {
        Objects.requireNonNull(event, "event");
        // The bus's trigger on events fans the row out to consumers and notifies them when the transaction commits.
        return handle.createUpdate("insert into events (type, deployment_id, payload) values (:type, :deployment, cast(:payload as jsonb))")
                .bind("type", event.type())
                .bind("deployment", event.deploymentId())
                .bind("payload", EventCodec.payload(event))
                .executeAndReturnGeneratedKeys("id")
                .mapTo(Long.class)
                .one();
    }
}
