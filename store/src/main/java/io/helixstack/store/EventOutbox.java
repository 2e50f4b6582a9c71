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

    /** An event with the application it concerns, for a team's event stream. */
    public record TeamEvent(long id, String type, java.util.UUID deploymentId, String app, String environment, String payload,
                            java.time.Instant at) {
    }

    /**
     * The events of one team's applications after {@code afterId}, oldest first; only one application's when
     * {@code applicationId} is given.
     */
    public List<TeamEvent> ofTeam(Jdbi jdbi, java.util.UUID teamId, java.util.UUID applicationId, long afterId, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select e.id, e.type, e.deployment_id, a.name as app, env.name as env, e.payload::text as payload,
                               e.created_at
                        from events e join deployments d on d.id = e.deployment_id join applications a on a.id = d.application_id
                        join environments env on env.id = d.environment_id join projects p on p.id = a.project_id
                        where p.team_id = :team and e.id > :after and (cast(:app as uuid) is null or a.id = cast(:app as uuid))
                        order by e.id limit :limit""")
                .bind("team", teamId).bind("app", applicationId).bind("after", afterId).bind("limit", limit)
                .map((rs, ctx) -> new TeamEvent(rs.getLong("id"), rs.getString("type"), rs.getObject("deployment_id", java.util.UUID.class),
                        rs.getString("app"), rs.getString("env"), rs.getString("payload"), rs.getTimestamp("created_at").toInstant()))
                .list());
    }

    /** The newest event id, 0 when there is none. */
    public long lastId(Jdbi jdbi) {
        return jdbi.withHandle(h -> h.createQuery("select coalesce(max(id), 0) from events").mapTo(Long.class).one());
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
