package io.helixstack.control;

import io.helixstack.plugin.api.LogRecord;
import io.helixstack.plugin.api.ObservabilitySink;
import io.helixstack.store.RuntimeLogRepository;
import io.helixstack.store.Store;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps instances' log lines in the store. Lines are queued by the runtime's reader threads and written in batches, so a
 * chatty app costs one insert per batch, not per line.
 */
public final class StoreLogSink implements ObservabilitySink, PlatformLog, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StoreLogSink.class);
    private static final int MAX_QUEUED = 100_000;

    private final Store store;
    private final Clock clock;
    private final LinkedBlockingQueue<RuntimeLogRepository.NewLine> queue = new LinkedBlockingQueue<>(MAX_QUEUED);
    private final Map<UUID, UUID> appOfDeployment = new ConcurrentHashMap<>();
    private final SecretMasker masker = new SecretMasker();
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform()
            .name("log-flusher").daemon().unstarted(r));

    /** Retention defaults: a week of lines, at most 100,000 per application. */
    public static final java.time.Duration DEFAULT_MAX_AGE = java.time.Duration.ofDays(7);
    public static final int DEFAULT_MAX_LINES_PER_APP = 100_000;

    public StoreLogSink(Store store, Clock clock) {
        this(store, clock, DEFAULT_MAX_AGE, DEFAULT_MAX_LINES_PER_APP);
    }

    /** Stores lines and applies the retention policy (age, then count per application) every hour. */
    public StoreLogSink(Store store, Clock clock, java.time.Duration maxAge, int maxLinesPerApp) {
        this.store = store;
        this.clock = clock;
        flusher.scheduleWithFixedDelay(this::flush, 100, 100, TimeUnit.MILLISECONDS);
        flusher.scheduleWithFixedDelay(() -> prune(maxAge, maxLinesPerApp), 1, 60, TimeUnit.MINUTES);
    }

    private void prune(java.time.Duration maxAge, int maxLinesPerApp) {
        try {
            int dropped = store.runtimeLogs().prune(clock.instant().minus(maxAge), maxLinesPerApp);
            log.atInfo().addKeyValue("dropped", dropped).log("Applied log retention");
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("error", e.getMessage()).log("Log retention failed; will retry");
        }
    }

    @Override
    public void ingestLogs(List<LogRecord> records) {
        for (LogRecord r : records) {
            UUID app = appOfDeployment.computeIfAbsent(r.deploymentId(),
                    id -> store.deployments().find(id).map(d -> d.applicationId()).orElse(null));
            if (app != null && !queue.offer(new RuntimeLogRepository.NewLine(app, r.deploymentId(), r.at(), r.source(), r.stream(),
                    masker.mask(r.deploymentId(), r.line())))) {
                log.atWarn().log("Log queue full; dropping runtime log lines");
            }
        }
    }

    @Override
    public void note(UUID applicationId, UUID deploymentId, String line) {
        appOfDeployment.putIfAbsent(deploymentId, applicationId);
        queue.offer(new RuntimeLogRepository.NewLine(applicationId, deploymentId, clock.instant(), "platform", "system", line));
    }

    @Override
    public void protect(UUID deploymentId, java.util.Collection<String> secretValues) {
        masker.protect(deploymentId, secretValues);
    }

    /** Writes everything queued so far. */
    public void flush() {
        List<RuntimeLogRepository.NewLine> batch = new ArrayList<>();
        queue.drainTo(batch, 1000);
        while (!batch.isEmpty()) {
            try {
                store.runtimeLogs().append(batch);
            } catch (RuntimeException e) {
                log.atWarn().addKeyValue("lines", batch.size()).addKeyValue("error", e.getMessage()).log("Could not store log lines");
            }
            batch.clear();
            queue.drainTo(batch, 1000);
        }
    }

    @Override
    public void close() {
        flusher.shutdown();
        flush();
    }
}
