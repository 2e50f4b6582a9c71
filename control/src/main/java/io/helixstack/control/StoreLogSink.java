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
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform()
            .name("log-flusher").daemon().unstarted(r));

    public StoreLogSink(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
        flusher.scheduleWithFixedDelay(this::flush, 100, 100, TimeUnit.MILLISECONDS);
    }

    @Override
    public void ingestLogs(List<LogRecord> records) {
        for (LogRecord r : records) {
            UUID app = appOfDeployment.computeIfAbsent(r.deploymentId(),
                    id -> store.deployments().find(id).map(d -> d.applicationId()).orElse(null));
            if (app != null && !queue.offer(new RuntimeLogRepository.NewLine(app, r.deploymentId(), r.at(), r.source(), r.stream(), r.line()))) {
                log.atWarn().log("Log queue full; dropping runtime log lines");
            }
        }
    }

    @Override
    public void note(UUID applicationId, UUID deploymentId, String line) {
        appOfDeployment.putIfAbsent(deploymentId, applicationId);
        queue.offer(new RuntimeLogRepository.NewLine(applicationId, deploymentId, clock.instant(), "platform", "system", line));
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
