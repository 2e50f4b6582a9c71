package io.helixstack.plugin.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import io.helixstack.plugin.api.LogRecord;
import io.helixstack.plugin.api.MetricPoint;
import io.helixstack.plugin.api.ObservabilitySink;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ObservabilitySink} must do, checked at its destination: what was ingested and flushed arrives there
 * complete, field for field, in order per source, from any number of threads at once. Implementations say how to read
 * their destination back ({@link #receivedLogs()}, {@link #receivedMetrics()}), e.g. from a database or from a fake
 * collector in the test.
 */
public abstract class ObservabilitySinkContract {
    private static final Duration SLACK = Duration.ofSeconds(10);
    /** Microseconds: the finest time every destination keeps (PostgreSQL timestamps; OTLP keeps nanoseconds). */
    private static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    private ObservabilitySink sink;
    private UUID deployment;

    /** A new sink; called once per test, and closed by the suite. */
    protected abstract ObservabilitySink createSink();

    /**
     * A deployment of {@link #app()} the destination accepts data for (a store may need it to exist); called once per test,
     * before {@link #createSink()}.
     */
    protected abstract UUID createDeployment();

    /** The application {@link #createDeployment()}'s deployment belongs to. */
    protected abstract String app();

    /** The log records that reached the destination so far, in the order it keeps them. */
    protected abstract List<LogRecord> receivedLogs();

    /** The metric points that reached the destination so far. */
    protected abstract List<MetricPoint> receivedMetrics();

    @BeforeEach
    final void createSinkUnderTest() {
        deployment = createDeployment();
        sink = createSink();
    }

    @AfterEach
    final void closeSinkUnderTest() {
        sink.close();
    }

    protected final UUID deployment() {
        return deployment;
    }

    @Test
    void logRecordsArriveWithEveryField() {
        List<LogRecord> sent = List.of(
                new LogRecord(T0, deployment, "web-1", "stdout", "listening on 127.0.0.1:3000"),
                new LogRecord(T0.plusMillis(1), deployment, "web-1", "stderr", "warn: ünïcödé ✓ and \"quotes\" \t tab"),
                new LogRecord(T0.plusMillis(2), deployment, "platform", "system", ""),
                new LogRecord(T0.plusMillis(3), deployment, "build", "stdout", "x".repeat(8_000)));

        sink.ingestLogs(sent);
        sink.flush();

        await().atMost(SLACK).untilAsserted(() -> assertThat(receivedLogs()).containsExactlyElementsOf(sent));
    }

    @Test
    void linesOfOneSourceKeepTheirOrder() {
        List<LogRecord> sent = new ArrayList<>();
        for (int i = 0; i < 1_500; i++) {
            sent.add(new LogRecord(T0.plusMillis(i / 10), deployment, "web-1", "stdout", "line " + i));
        }

        for (int i = 0; i < sent.size(); i += 100) {
            sink.ingestLogs(sent.subList(i, i + 100));
        }
        sink.flush();

        await().atMost(SLACK).untilAsserted(() -> assertThat(receivedLogs()).extracting(LogRecord::line)
                .containsExactlyElementsOf(sent.stream().map(LogRecord::line).toList()));
    }

    @Test
    void ingestFromManyThreadsAtOnceLosesNothing() throws Exception {
        int threads = 4;
        int perThread = 250;
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String source = "web-" + t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        sink.ingestLogs(List.of(new LogRecord(T0, deployment, source, "stdout", source + " line " + i)));
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        sink.flush();

        await().atMost(SLACK).untilAsserted(() -> {
            List<LogRecord> received = receivedLogs();
            assertThat(received).hasSize(threads * perThread);
            for (int t = 0; t < threads; t++) {
                String source = "web-" + t;
                assertThat(received).filteredOn(r -> r.source().equals(source)).extracting(LogRecord::line)
                        .as("order within %s", source)
                        .containsExactlyElementsOf(java.util.stream.IntStream.range(0, perThread)
                                .mapToObj(i -> source + " line " + i).toList());
            }
        });
    }

    @Test
    void countersGaugesAndHistogramsArriveWithTheirValues() {
        Instant start = T0.minusSeconds(15);
        List<MetricPoint> sent = List.of(
                MetricPoint.counter("helix.proxy.response.bytes", "By", app(), deployment, Map.of(), start, T0, 123_456),
                MetricPoint.gauge("helix.instance.memory.usage", "By", app(), deployment, Map.of(), T0, 52_428_800),
                MetricPoint.histogram("helix.proxy.request.duration", "ms", app(), deployment, Map.of("status", "2xx"),
                        start, T0, 161.5, List.of(1.0, 10.0, 100.0), List.of(3L, 5L, 1L, 1L)),
                MetricPoint.histogram("helix.proxy.request.duration", "ms", app(), deployment, Map.of("status", "5xx"),
                        start, T0, 2.5, List.of(1.0, 10.0, 100.0), List.of(0L, 1L, 0L, 0L)));

        sink.ingestMetrics(sent);
        sink.flush();

        await().atMost(SLACK).untilAsserted(() -> assertThat(receivedMetrics()).containsExactlyInAnyOrderElementsOf(sent));
    }

    @Test
    void emptyBatchesAreAccepted() {
        assertThatCode(() -> {
            sink.ingestLogs(List.of());
            sink.ingestMetrics(List.of());
            sink.flush();
        }).doesNotThrowAnyException();
        assertThat(receivedLogs()).isEmpty();
        assertThat(receivedMetrics()).isEmpty();
    }

    @Test
    void closeDeliversWhatWasIngestedAndLaterIngestsAreDropped() {
        LogRecord before = new LogRecord(T0, deployment, "web-1", "stdout", "before close");
        MetricPoint point = MetricPoint.gauge("helix.proxy.in_flight", "1", app(), deployment, Map.of(), T0, 2);
        sink.ingestLogs(List.of(before));
        sink.ingestMetrics(List.of(point));

        sink.close();

        await().atMost(SLACK).untilAsserted(() -> {
            assertThat(receivedLogs()).containsExactly(before);
            assertThat(receivedMetrics()).containsExactly(point);
        });
        assertThatCode(() -> {
            sink.ingestLogs(List.of(new LogRecord(T0, deployment, "web-1", "stdout", "after close")));
            sink.ingestMetrics(List.of(point));
            sink.flush();
        }).as("a closed sink drops quietly").doesNotThrowAnyException();
        assertThat(receivedLogs()).containsExactly(before);
    }
}
