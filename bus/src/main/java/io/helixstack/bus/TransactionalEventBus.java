package io.helixstack.bus;

import io.helixstack.domain.Event;
import io.helixstack.plugin.api.EventBus;
import org.jdbi.v3.core.Handle;

/**
 * An {@link EventBus} whose outbox is the store's {@code events} table, so an event can be published inside the
 * transaction of the state change it describes: it is delivered if and only if that transaction commits.
 */
public interface TransactionalEventBus extends EventBus {

    /** Writes {@code event} into the outbox through {@code handle}, in its open transaction; returns the event id. */
    default long publish(Handle handle, Event event) {
        return io.helixstack.store.EventOutbox.append(handle, event);
    }
}
