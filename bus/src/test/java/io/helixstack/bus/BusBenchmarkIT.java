package io.helixstack.bus;

import io.helixstack.testing.TestNats;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helixstack.domain.Event;
import io.helixstack.plugin.api.EventTypes;
import io.helixstack.plugin.api.RetryPolicy;
import io.helixstack.plugin.api.Subscription;
import io.helixstack.plugin.tck.SampleEvents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Event throughput and publish-to-handle latency of both buses, printed as JSON and written to
 * {@code bus/target/bench-bus.json}. Left out of normal builds (tag "bench"); run by hand:
 *
 * <pre>
 * ./mvnw -o -pl bus verify -Dbench.excludedGroups=none -Dit.test=BusBenchmarkIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * Three measurements per bus, each on a fresh database (and stream), one consumer name with 4 subscribers, events spread
 * over 100 deployments: <b>drain</b> — a backlog of {@code bench.events} (default 5000) events published before the
 * subscribers attach, handled per second; <b>steady</b> — 4 publishers, one transaction per event, latency from the
 * commit returning to the handler being called, under that load; <b>idle</b> — one event at a time, the next published
 * once the last was handled: the latency of a quiet system.
 */
@Tag("bench")
class BusBenchmarkIT {
    private static final int EVENTS = Integer.getInteger("bench.events", 5000);
    private static final int IDLE_EVENTS = 300;
    private static final int PUBLISHERS = 4;
    private static final int SUBSCRIBERS = 4;
    private static final List<UUID> DEPLOYMENTS = IntStream.range(0, 100).mapToObj(i -> UUID.randomUUID()).toList();

    /** A bus over a fresh database, closed (and its NATS names deleted) by the caller. */
    private record Setup(BusDatabase db, TransactionalEventBus bus, Runnable cleanup) implements AutoCloseable {
        @Override
        public void close() {
            bus.close();
            db.close();
            cleanup.run();
        }
    }

    @Test
    void measureBothBuses() throws Exception {
        ObjectNode report = EventCodec.JSON.createObjectNode()
                .put("benchmark", "bus").put("events", EVENTS).put("publishers", PUBLISHERS)
                .put("subscribers", SUBSCRIBERS).put("deployments", DEPLOYMENTS.size())
                .put("cpus", Runtime.getRuntime().availableProcessors());
        ArrayNode results = report.putArray("results");
        results.add(measure("postgres", 0, () -> {
            BusDatabase db = BusDatabase.create();
            return new Setup(db, PostgresEventBus.start(db.dataSource(), PostgresEventBus.Settings.defaults()), () -> { });
        }));
        String natsUrl = TestNats.url();
        for (long maxAckPending : new long[] {1, 256}) {
            results.add(measure("nats", maxAckPending, () -> {
                TestNats.Names names = TestNats.Names.unique();
                NatsEventBus.Settings d = NatsEventBus.Settings.defaults();
                NatsEventBus.Settings settings = TestNatsSettings.named(names, new NatsEventBus.Settings(d.stream(), d.subjectPrefix(),
                        d.deadLetterBucket(), RetryPolicy.defaults(), d.ackWait(), maxAckPending, d.maxAge(), d.fallbackPoll()));
                BusDatabase db = BusDatabase.create();
                return new Setup(db, NatsEventBus.start(natsUrl, db.dataSource(), settings), names::delete);
            }));
        }
        String json = EventCodec.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report);
        System.out.println(json);
        Files.writeString(Path.of("target", "bench-bus.json"), json);
    }

    private static ObjectNode measure(String name, long maxAckPending, Supplier<Setup> setup) throws Exception {
        ObjectNode result = EventCodec.JSON.createObjectNode().put("bus", name);
        if (maxAckPending > 0) {
            result.put("maxAckPending", maxAckPending);
        }
        try (Setup s = setup.get()) {
            result.set("drain", drain(s));
        }
        try (Setup s = setup.get()) {
            result.set("steady", steady(s));
        }
        try (Setup s = setup.get()) {
            result.set("idle", idle(s));
        }
        return result;
    }

    private static ObjectNode drain(Setup s) {
        for (int from = 0; from < EVENTS; from += 100) {
            int start = from;
            s.db().jdbi().useTransaction(h -> {
                for (int i = start; i < Math.min(start + 100, EVENTS); i++) {
                    s.bus().publish(h, event(i));
                }
            });
        }
        Clocked clocked = new Clocked();
        long start = System.nanoTime();
        clocked.subscribe(s, SUBSCRIBERS);
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(20)).until(() -> clocked.handledAt.size() >= EVENTS);
        long end = System.nanoTime();
        return EventCodec.JSON.createObjectNode()
                .put("handledPerSecond", Math.round(EVENTS / seconds(end - start)))
                .put("duplicates", clocked.handled.get() - EVENTS);
    }

    private static ObjectNode steady(Setup s) throws Exception {
        Clocked clocked = new Clocked();
        clocked.subscribe(s, SUBSCRIBERS);
        ExecutorService publishers = Executors.newFixedThreadPool(PUBLISHERS);
        long start = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int p = 0; p < PUBLISHERS; p++) {
            int publisher = p;
            done.add(publishers.submit(() -> {
                for (int i = publisher; i < EVENTS; i += PUBLISHERS) {
                    clocked.publish(s, event(i));
                }
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        long published = System.nanoTime();
        publishers.shutdown();
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(20)).until(() -> clocked.handledAt.size() >= EVENTS);
        long end = System.nanoTime();
        ObjectNode result = EventCodec.JSON.createObjectNode()
                .put("publishedPerSecond", Math.round(EVENTS / seconds(published - start)))
                .put("handledPerSecond", Math.round(EVENTS / seconds(end - start)))
                .put("duplicates", clocked.handled.get() - EVENTS);
        result.set("latencyMillis", clocked.latencies());
        return result;
    }

    private static ObjectNode idle(Setup s) {
        Clocked clocked = new Clocked();
        clocked.subscribe(s, SUBSCRIBERS);
        for (int i = 0; i < IDLE_EVENTS; i++) {
            int handledBefore = i;
            clocked.publish(s, event(i));
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofNanos(50_000))
                    .until(() -> clocked.handledAt.size() > handledBefore);
        }
        ObjectNode result = EventCodec.JSON.createObjectNode().put("events", IDLE_EVENTS);
        result.set("latencyMillis", clocked.latencies());
        return result;
    }

    private static Event event(int i) {
        return SampleEvents.nth(i, DEPLOYMENTS.get(i % DEPLOYMENTS.size()));
    }

    /** Commit and handling times by event id. */
    private static final class Clocked {
        final Map<Long, Long> committedAt = new ConcurrentHashMap<>();
        final Map<Long, Long> handledAt = new ConcurrentHashMap<>();
        final AtomicLong handled = new AtomicLong();
        final List<Subscription> subscriptions = new ArrayList<>();

        void subscribe(Setup s, int subscribers) {
            for (int i = 0; i < subscribers; i++) {
                subscriptions.add(s.bus().subscribe("bench", EventTypes.all(), d -> {
                    handledAt.putIfAbsent(d.eventId(), System.nanoTime());
                    handled.incrementAndGet();
                }));
            }
        }

        void publish(Setup s, Event event) {
            long id = s.db().jdbi().inTransaction(h -> s.bus().publish(h, event));
            committedAt.put(id, System.nanoTime());
        }

        ObjectNode latencies() {
            long[] sorted = committedAt.entrySet().stream()
                    .mapToLong(e -> handledAt.get(e.getKey()) - e.getValue())
                    .sorted().toArray();
            return EventCodec.JSON.createObjectNode()
                    .put("p50", millis(percentile(sorted, 50)))
                    .put("p99", millis(percentile(sorted, 99)))
                    .put("max", millis(sorted[sorted.length - 1]));
        }
    }

    private static long percentile(long[] sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(index, sorted.length - 1))];
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static double millis(long nanos) {
        return Math.round(nanos / 1e4) / 100.0;
    }
}
