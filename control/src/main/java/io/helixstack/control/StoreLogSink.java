package io.helixstack.control;

import io.helixstack.plugin.api.LogRecord;
import io.helixstack.plugin.api.MetricPoint;
import io.helixstack.plugin.api.ObservabilitySink;
import io.helixstack.store.MetricRepository;
import io.helixstack.store.RuntimeLogRepository;
import io.helixstack.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform's own sink: keeps instances' log lines and the sampled metrics in the store, masking injected secret
 * values first, and hands the masked records on to the next sink (e.g. OTLP) when there is one. Lines are queued by the
 * runtime's reader threads and written in batches, so a chatty app costs one insert per batch, not per line.
 */
public final class StoreLogSink implements ObservabilitySink, PlatformLog {
    private static final Logger log = LoggerFactory.getLogger(StoreLogSink.class);
    private static final int MAX_QUEUED = 100_000;
    private static final int BATCH = 1000;
    private static final Duration BACK_PRESSURE = Duration.ofSeconds(2);

    /** Retention defaults: a week of lines and metrics, at most 100,000 lines per application. */
    public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(7);
    public static final int DEFAULT_MAX_LINES_PER_APP = 100_000;

    private final Store store;
    private final Clock clock;
    private final ObservabilitySink next;
    private final LinkedBlockingQueue<RuntimeLogRepository.NewLine> lines = new LinkedBlockingQueue<>(MAX_QUEUED);
    private final LinkedBlockingQueue<MetricRepository.Point> points = new LinkedBlockingQueue<>(MAX_QUEUED);
    private final Map<UUID, Optional<UUID>> appOfDeployment = new ConcurrentHashMap<>();
    private final SecretMasker masker = new SecretMasker();
    /** One writer at a time, so batches reach the store in the order they were queued. */
    private final ReentrantLock writing = new ReentrantLock();
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform()
            .name("log-flusher").daemon().unstarted(r));
    private volatile boolean closed;

    public StoreLogSink(Store store, Clock clock) {
        this(store, clock, DEFAULT_MAX_AGE, DEFAULT_MAX_LINES_PER_APP, null);
    }

    /**
     * Stores lines and metrics and applies the retention policy (lines: age, then count per application; metrics: age)
     * every hour.
     *
     * @param next where masked records go on to after the store, or null
     */
    public StoreLogSink(Store store, Clock clock, Duration maxAge, int maxLinesPerApp, ObservabilitySink next) {
        this.store = store;
        this.clock = clock;
        this.next = next;
        flusher.scheduleWithFixedDelay(this::flushQuietly, 100, 100, TimeUnit.MILLISECONDS);
        flusher.scheduleWithFixedDelay(() -> prune(maxAge, maxLinesPerApp), 1, 60, TimeUnit.MINUTES);
    }

    private void prune(Duration maxAge, int maxLinesPerApp) {
        try {
            int dropped = store.runtimeLogs().prune(clock.instant().minus(maxAge), maxLinesPerApp);
            int droppedPoints = store.metrics().prune(clock.instant().minus(maxAge));
            log.atInfo().addKeyValue("lines", dropped).addKeyValue("points", droppedPoints).log("Applied retention");
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("error", e.getMessage()).log("Retention failed; will retry");
        }
    }

    @Override
    public void ingestLogs(List<LogRecord> records) {
        if (closed) {
            return;
        }
        List<LogRecord> masked = next == null ? null : new ArrayList<>(records.size());
        for (LogRecord r : records) {
            String line = masker.mask(r.deploymentId(), r.line());
            Optional<UUID> app = applicationOf(r.deploymentId());
            if (app.isPresent() && !enqueue(new RuntimeLogRepository.NewLine(app.get(), r.deploymentId(), r.at(), r.source(),
                    r.stream(), line))) {
                log.atWarn().log("Log queue full for " + BACK_PRESSURE.toSeconds() + " s; dropping a runtime log line");
            }
            if (masked != null) {
                masked.add(line.equals(r.line()) ? r : new LogRecord(r.at(), r.deploymentId(), r.source(), r.stream(), line));
            }
        }
        if (masked != null) {
            next.ingestLogs(masked);
        }
    }

    @Override
    public void ingestMetrics(List<MetricPoint> batch) {
        if (closed) {
            return;
        }
        for (MetricPoint p : batch) {
            Optional<UUID> app = applicationOf(p.deploymentId());
            if (app.isPresent() && !points.offer(new MetricRepository.Point(app.get(), p.deploymentId(), p.name(),
                    p.kind().name().toLowerCase(Locale.ROOT), p.unit(), p.attributes(), p.start(), p.at(), p.value(), p.bounds(),
                    p.counts()))) {
                log.atWarn().log("Metrics queue full; dropping metric points");
            }
        }
        if (next != null) {
            next.ingestMetrics(batch);
        }
    }

    /**
     * Queues a line; when the store falls behind, the caller (an instance's output reader) waits a little, which slows the
     * app's writes down instead of losing its lines, and only then drops.
     */
    private boolean enqueue(RuntimeLogRepository.NewLine line) {
        try {
            return lines.offer(line, BACK_PRESSURE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private Optional<UUID> applicationOf(UUID deploymentId) {
        return appOfDeployment.computeIfAbsent(deploymentId, id -> store.deployments().find(id).map(d -> d.applicationId()));
    }

    @Override
    public void note(UUID applicationId, UUID deploymentId, String line) {
        appOfDeployment.putIfAbsent(deploymentId, Optional.of(applicationId));
        if (closed) {
            return;
        }
        LogRecord record = new LogRecord(clock.instant(), deploymentId, "platform", "system", line);
        lines.offer(new RuntimeLogRepository.NewLine(applicationId, deploymentId, record.at(), record.source(), record.stream(),
                line));
        if (next != null) {
            next.ingestLogs(List.of(record));
        }
    }

    @Override
    public void protect(UUID deploymentId, Collection<String> secretValues) {
        masker.protect(deploymentId, secretValues);
    }

    /** Writes everything queued so far, then flushes the next sink. */
    @Override
    public void flush() {
        flushStore();
        if (next != null) {
            next.flush();
        }
    }

    private void flushQuietly() {
        try {
            flushStore();
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("error", e.getMessage()).log("Flush failed");
        }
    }

    private void flushStore() {
        writing.lock();
        try {
            List<RuntimeLogRepository.NewLine> lineBatch = new ArrayList<>();
            while (lines.drainTo(lineBatch, BATCH) > 0) {
                try {
                    store.runtimeLogs().append(lineBatch);
                } catch (RuntimeException e) {
                    log.atWarn().addKeyValue("lines", lineBatch.size()).addKeyValue("error", e.getMessage())
                            .log("Could not store log lines");
                }
                lineBatch.clear();
            }
            List<MetricRepository.Point> pointBatch = new ArrayList<>();
            while (points.drainTo(pointBatch, BATCH) > 0) {
                try {
                    store.metrics().append(pointBatch);
                } catch (RuntimeException e) {
                    log.atWarn().addKeyValue("points", pointBatch.size()).addKeyValue("error", e.getMessage())
                            .log("Could not store metric points");
                }
                pointBatch.clear();
            }
        } finally {
            writing.unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        flusher.shutdown();
        try {
            flusher.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flushStore();
        if (next != null) {
            next.close();
        }
    }
}
