package io.helixstack.bus;

import io.nats.client.JetStream;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves committed outbox rows to JetStream in id order: publishes each with {@code Nats-Msg-Id} = its outbox id (so a
 * row published twice — the relay died before marking it — is dropped by the stream's duplicate window), then marks
 * the rows {@code published_at} in the same transaction that read them. One relay works at a time across all processes:
 * the transaction-scoped advisory lock keeps two of them from interleaving batches and reordering the stream.
 */
final class OutboxRelay implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    /** "helix" in ASCII: the advisory lock every relay of one database takes. */
    private static final long LOCK_KEY = 0x68656c6978L;
    private static final int BATCH = 256;
    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration ERROR_PAUSE = Duration.ofSeconds(1);

    private record Row(long id, String type, String payload) {
    }

    private final Jdbi jdbi;
    private final JetStream jetStream;
    private final String stream;
    private final String subjectPrefix;
    private final Duration fallbackPoll;
    private final Signal signal = new Signal();
    private final Runnable waker = signal::wake;
    private final Thread thread;
    private volatile boolean closed;

    OutboxRelay(Jdbi jdbi, JetStream jetStream, String stream, String subjectPrefix, Duration fallbackPoll) {
        this.jdbi = jdbi;
        this.jetStream = jetStream;
        this.stream = stream;
        this.subjectPrefix = subjectPrefix;
        this.fallbackPoll = fallbackPoll;
        this.thread = Thread.ofPlatform().daemon().name("helix-bus-relay").start(this::run);
    }

    Runnable waker() {
        return waker;
    }

    private void run() {
        while (!closed) {
            signal.clear();
            try {
                if (relayBatch() < BATCH) {
                    signal.await(fallbackPoll);
                }
            } catch (RuntimeException e) {
                log.atWarn().addKeyValue("stream", stream).setCause(e).log("Relaying the outbox to JetStream failed; trying again");
                signal.await(ERROR_PAUSE);
            }
        }
    }

    /** Relays up to one batch; returns how many rows it took (0 when another relay holds the lock). */
    int relayBatch() {
        return jdbi.inTransaction(h -> {
            boolean mine = h.createQuery("select pg_try_advisory_xact_lock(:key)").bind("key", LOCK_KEY).mapTo(Boolean.class).one();
            if (!mine) {
                return 0;
            }
            List<Row> rows = h.createQuery("""
                            select id, type, payload::text as payload from events
                            where published_at is null and id > (select horizon from bus_settings)
                            order by id limit :limit
                            """)
                    .bind("limit", BATCH)
                    .map((rs, ctx) -> new Row(rs.getLong("id"), rs.getString("type"), rs.getString("payload")))
                    .list();
            if (!rows.isEmpty()) {
                publish(rows);
                markPublished(h, rows);
            }
            return rows.size();
        });
    }

    private void publish(List<Row> rows) {
        List<CompletableFuture<PublishAck>> acks = new ArrayList<>(rows.size());
        for (Row row : rows) {
            byte[] body;
            try {
                body = EventCodec.wire(row.type(), row.payload());
            } catch (IllegalArgumentException e) {
                // A row that is not an event cannot be delivered; holding the whole outbox back for it would be worse.
                log.atError().addKeyValue("eventId", row.id()).addKeyValue("type", row.type()).setCause(e).log("Outbox row skipped");
                continue;
            }
            PublishOptions options = PublishOptions.builder().messageId(Long.toString(row.id())).expectedStream(stream).build();
            acks.add(jetStream.publishAsync(subjectPrefix + "." + row.type(), body, options));
        }
        // Sent in id order on one connection, so stored in id order; commit only once every one is acknowledged.
        try {
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(PUBLISH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("JetStream did not acknowledge " + rows.size() + " events from id " + rows.getFirst().id()
                    + " within " + PUBLISH_TIMEOUT + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while relaying the outbox", e);
        }
    }

    private static void markPublished(Handle h, List<Row> rows) {
        h.createUpdate("update events set published_at = now() where id = any (:ids)")
                .bindArray("ids", Long.class, rows.stream().map(Row::id).toList())
                .execute();
    }

    @Override
    public void close() {
        closed = true;
        signal.wake();
        try {
            thread.join(PUBLISH_TIMEOUT.plusSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
