package io.helixstack.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.helixstack.domain.Event;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Writes events into the {@code events} table inside the caller's transaction, so the state change and its event commit together. */
public final class EventOutbox {

    /** A stored event as read back. */
    public record StoredEvent(long id, String type, String deploymentId, String payload) {
    }

    /**
     * The one writer of the {@code events} table (the store's repositories and the bus both use it), in the caller's
     * transaction.
     *
     * @return the event's outbox id
     */
    public static long append(Handle h, Event event) {
        try {
            return h.createUpdate("insert into events (type, deployment_id, payload) values (:type, :dep, cast(:payload as jsonb))")
                    .bind("type", event.type())
                    .bind("dep", event.deploymentId())
                    .bind("payload", Store.JSON.writeValueAsString(event))
                    .executeAndReturnGeneratedKeys("id")
                    .mapTo(Long.class)
                    .one();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("event not serialisable: " + event, e);
        }
    }

    /** Events after {@code afterId}, oldest first. */
    public List<StoredEvent> after(Jdbi jdbi, long afterId, int limit) {
        return jdbi.withHandle(h -> h.createQuery(
                        "select id, type, deployment_id::text as dep, payload::text as payload from events where id > :after order by id limit :limit")
                .bind("after", afterId).bind("limit", limit)
                .map((rs, ctx) -> new StoredEvent(rs.getLong("id"), rs.getString("type"), rs.getString("dep"), rs.getString("payload")))
                .list());
    }
}
