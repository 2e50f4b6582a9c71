package io.helixstack.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.helixstack.domain.AppName;
import io.helixstack.domain.Application;
import io.helixstack.domain.Deployment;
import io.helixstack.domain.Source;
import io.helixstack.plugin.api.LogRecord;
import io.helixstack.store.Database;
import io.helixstack.store.SecretBox;
import io.helixstack.store.Store;
import io.helixstack.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Log ingest throughput of the store sink: instances' reader threads hand over one line at a time (as the runtime does),
 * with secret masking on; measured from the first line to the last one stored. Prints JSON and writes
 * {@code target/bench-ingest.json}. Run: {@code ./mvnw -o -pl control verify -Dbench.excludedGroups=none
 * -Dit.test=LogIngestBenchmarkIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("bench")
class LogIngestBenchmarkIT {
    private static final int THREADS = 4;
    private static final int LINES_PER_THREAD = Integer.getInteger("bench.lines", 50_000);

    @Test
    void ingestThroughput() throws Exception {
        try (TestDatabase testDb = TestDatabase.create(); Database db = Database.external(testDb.jdbcUrl())) {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            Store store = new Store(db.jdbi(), new SecretBox(key), Clock.systemUTC());
            var project = store.projects().findOrCreate(store.tokens().defaultTeam(), "default");
            Application app = store.applications().create(project.id(), AppName.of("bench"), null, null);
            UUID deployment = store.deployments().create(app, Deployment.PRODUCTION, new Source.Upload("sha256:aa"), "upload").id();
            int total = THREADS * LINES_PER_THREAD;

            long started;
            long handedOver;
            try (StoreLogSink sink = new StoreLogSink(store, Clock.systemUTC(), StoreLogSink.DEFAULT_MAX_AGE, total, null)) {
                sink.protect(deployment, List.of("a-database-password", "an-api-key-value"));
                started = System.nanoTime();
                try (ExecutorService pool = Executors.newFixedThreadPool(THREADS)) {
                    List<Future<?>> done = new ArrayList<>();
                    for (int t = 0; t < THREADS; t++) {
                        String source = "web-" + t;
                        done.add(pool.submit(() -> {
                            for (int i = 0; i < LINES_PER_THREAD; i++) {
                                sink.ingestLogs(List.of(new LogRecord(Instant.now(), deployment, source, "stdout",
                                        "GET /api/items/" + i + " 200 12ms user-agent=Mozilla/5.0 (X11; Linux x86_64)")));
                            }
                        }));
                    }
                    for (Future<?> f : done) {
                        f.get();
                    }
                }
                handedOver = System.nanoTime();
            }
            long stored = System.nanoTime();
            long count = db.jdbi().withHandle(h -> h.createQuery("select count(*) from runtime_log_lines").mapTo(Long.class).one());
            assertThat(count).isEqualTo(total);

            double seconds = (stored - started) / 1e9;
            String json = String.format(Locale.ROOT,
                    "{\"lines\": %d, \"threads\": %d, \"handover_s\": %.3f, \"stored_s\": %.3f, \"lines_per_s\": %.0f}",
                    total, THREADS, (handedOver - started) / 1e9, seconds, total / seconds);
            System.out.println(json);
            Files.writeString(Path.of("target", "bench-ingest.json"), json + "\n");
        }
    }
}
