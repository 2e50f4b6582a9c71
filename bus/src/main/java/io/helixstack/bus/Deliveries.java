package io.helixstack.bus;

import io.helixstack.domain.Event;
import io.helixstack.plugin.api.DeadLetter;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The SQL of the PostgreSQL bus over {@code bus_consumers}, {@code bus_deliveries} and {@code bus_dead_letters}. */
final class Deliveries {
    private static final Logger log = LoggerFactory.getLogger(Deliveries.class);

    /** A delivery row a subscriber holds by lease, with its event. */
    record Claimed(long eventId, int attempts, String type, String payload) {
    }

    /*
     * The next deliverable rows of a consumer: due, not held by a live lease, and with no earlier row of the same
     * deployment still owed (whether running, backing off or waiting) — that is the per-deployment order. SKIP LOCKED
     * lets competing subscribers claim different rows at once; the lease and the attempt count commit with the claim.
     */
    private static final String CLAIM = """
            with candidates as (
                select d.consumer, d.event_id
                from bus_deliveries d
                where d.consumer = :consumer
                  and d.next_attempt_at <= now()
                  and (d.leased_until is null or d.leased_until < now())
                  and not exists (select 1 from bus_deliveries e
                                  where e.consumer = d.consumer and e.ordering_key = d.ordering_key and e.event_id < d.event_id)
                order by d.event_id
                limit :limit
                for update of d skip locked
            ), claimed as (
                update bus_deliveries d
                set attempts = d.attempts + 1, leased_by = :subscriber,
                    leased_until = now() + :leaseMillis * interval '1 millisecond'
                from candidates c
                where d.consumer = c.consumer and d.event_id = c.event_id
                returning d.event_id, d.attempts
            )
            select c.event_id, c.attempts, e.type, e.payload::text as payload
            from claimed c join events e on e.id = c.event_id
            order by c.event_id
            """;

    private final Jdbi jdbi;

    Deliveries(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * Creates the consumer on first use, with a delivery row for every kept event of its types. Taking a SHARE lock on
     * {@code events} waits out the transactions that are inserting events right now and holds off new ones until the
     * consumer is committed: each event is then either backfilled here or fanned out by the trigger, never neither.
     */
    void register(String consumer, List<String> types) {
        jdbi.useTransaction(h -> {
            List<String> known = h.createQuery("select t from bus_consumers, unnest(types) t where name = :name")
                    .bind("name", consumer).mapTo(String.class).list();
            if (!known.isEmpty()) {
                if (!new HashSet<>(known).equals(new HashSet<>(types))) {
                    // A changed type set applies to events published from now on; the backlog stays as it is.
                    h.createUpdate("update bus_consumers set types = :types where name = :name")
                            .bind("name", consumer).bindArray("types", String.class, types).execute();
                }
                return;
            }
            h.execute("lock table events in share mode");
            int created = h.createUpdate("insert into bus_consumers (name, types) values (:name, :types) on conflict (name) do nothing")
                    .bind("name", consumer).bindArray("types", String.class, types).execute();
            if (created == 1) {
                int backlog = h.createUpdate("""
                                insert into bus_deliveries (consumer, event_id, ordering_key)
                                select :name, e.id, coalesce(e.deployment_id, '00000000-0000-0000-0000-000000000000'::uuid)
                                from events e
                                where e.id > (select horizon from bus_settings) and e.type = any (:types)
                                """)
                        .bind("name", consumer).bindArray("types", String.class, types).execute();
                log.atInfo().addKeyValue("consumer", consumer).addKeyValue("backlog", backlog).log("Bus consumer created");
            }
        });
    }

    List<Claimed> claim(String consumer, UUID subscriber, int limit, Duration lease) {
        return jdbi.inTransaction(h -> h.createQuery(CLAIM)
                .bind("consumer", consumer).bind("subscriber", subscriber).bind("limit", limit)
                .bind("leaseMillis", lease.toMillis())
                .map((rs, ctx) -> new Claimed(rs.getLong("event_id"), rs.getInt("attempts"), rs.getString("type"), rs.getString("payload")))
                .list());
    }

    /** Acknowledges; false if the lease had been lost (another subscriber may be handling the event again). */
    boolean ack(String consumer, UUID subscriber, long eventId) {
        return jdbi.withHandle(h -> h.createUpdate(
                        "delete from bus_deliveries where consumer = :consumer and event_id = :event and leased_by = :subscriber")
                .bind("consumer", consumer).bind("event", eventId).bind("subscriber", subscriber).execute()) == 1;
    }

    void retryLater(String consumer, UUID subscriber, long eventId, Duration backoff, String error) {
        jdbi.useHandle(h -> h.createUpdate("""
                        update bus_deliveries
                        set leased_by = null, leased_until = null, last_error = :error,
                            next_attempt_at = now() + :backoffMillis * interval '1 millisecond'
                        where consumer = :consumer and event_id = :event and leased_by = :subscriber
                        """)
                .bind("consumer", consumer).bind("event", eventId).bind("subscriber", subscriber)
                .bind("backoffMillis", backoff.toMillis()).bind("error", error).execute());
    }

    void deadLetter(String consumer, UUID subscriber, long eventId, String error) {
        jdbi.useHandle(h -> h.createUpdate("""
                        with gone as (
                            delete from bus_deliveries
                            where consumer = :consumer and event_id = :event and leased_by = :subscriber
                            returning consumer, event_id, attempts
                        )
                        insert into bus_dead_letters (consumer, event_id, attempts, last_error)
                        select consumer, event_id, attempts, :error from gone
                        on conflict (consumer, event_id) do update
                            set attempts = excluded.attempts, last_error = excluded.last_error, dead_at = now()
                        """)
                .bind("consumer", consumer).bind("event", eventId).bind("subscriber", subscriber).bind("error", error).execute());
    }

    /** Keeps the rows a live subscriber holds from being reclaimed while a long handler runs. */
    void extendLeases(UUID subscriber, Duration lease) {
        jdbi.useHandle(h -> h.createUpdate(
                        "update bus_deliveries set leased_until = now() + :leaseMillis * interval '1 millisecond' where leased_by = :subscriber")
                .bind("subscriber", subscriber).bind("leaseMillis", lease.toMillis()).execute());
    }

    /**
     * Hands back every row {@code subscriber} still holds — claimed but never started — uncounting the attempt the claim
     * counted, and wakes the other subscribers (in every process) to take them.
     */
    void release(UUID subscriber) {
        jdbi.useTransaction(h -> {
            h.createUpdate("""
                            update bus_deliveries set leased_by = null, leased_until = null, attempts = greatest(attempts - 1, 0)
                            where leased_by = :subscriber
                            """)
                    .bind("subscriber", subscriber).execute();
            notifyAll(h);
        });
    }

    /** {@link #release(UUID)} for some of the rows only: the rest of a batch a slow handler sits in front of. */
    void release(UUID subscriber, List<Long> eventIds) {
        jdbi.useTransaction(h -> {
            h.createUpdate("""
                            update bus_deliveries set leased_by = null, leased_until = null, attempts = greatest(attempts - 1, 0)
                            where leased_by = :subscriber and event_id = any (:events)
                            """)
                    .bind("subscriber", subscriber).bindArray("events", Long.class, eventIds).execute();
            notifyAll(h);
        });
    }

    private static void notifyAll(Handle h) {
        h.execute("select pg_notify(?, '')", BusSchema.NOTIFY_CHANNEL);
    }

    /**
     * How long until one of the consumer's rows may become claimable: the earliest of its rows that head their
     * deployment's queue, when it falls due (a backoff) or its lease runs out (a crashed subscriber's; a live one's
     * heartbeat keeps pushing it out, costing one empty claim per lease). A head row that is due already — it became due
     * after the claim, or another subscriber's claim holds it locked this instant — means "look again now".
     */
    Optional<Duration> untilNextDue(String consumer) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select ceil(extract(epoch from (min(greatest(d.next_attempt_at, coalesce(d.leased_until, d.next_attempt_at))) - now())) * 1000)::bigint
                        from bus_deliveries d
                        where d.consumer = :consumer
                          and not exists (select 1 from bus_deliveries e
                                          where e.consumer = d.consumer and e.ordering_key = d.ordering_key and e.event_id < d.event_id)
                        """)
                .bind("consumer", consumer).mapTo(Long.class).findOne()
                .map(ms -> Duration.ofMillis(Math.max(ms, 1))));
    }

    List<DeadLetter> deadLetters(String consumer) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select d.event_id, d.attempts, d.last_error, d.dead_at, e.type, e.payload::text as payload
                        from bus_dead_letters d join events e on e.id = d.event_id
                        where d.consumer = :consumer
                        order by d.event_id
                        """)
                .bind("consumer", consumer)
                .map((rs, ctx) -> {
                    Event event = EventCodec.decode(rs.getString("type"), rs.getString("payload"));
                    Instant at = rs.getTimestamp("dead_at").toInstant();
                    return new DeadLetter(consumer, rs.getLong("event_id"), event, rs.getInt("attempts"), rs.getString("last_error"), at);
                })
                .list());
    }
}
