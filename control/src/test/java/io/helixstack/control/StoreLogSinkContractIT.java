package io.helixstack.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.helixstack.domain.AppName;
import io.helixstack.domain.Application;
import io.helixstack.domain.Deployment;
import io.helixstack.domain.Source;
import io.helixstack.plugin.api.LogRecord;
import io.helixstack.plugin.api.MetricPoint;
import io.helixstack.plugin.api.ObservabilitySink;
import io.helixstack.plugin.tck.InMemoryObservabilitySink;
import io.helixstack.plugin.tck.ObservabilitySinkContract;
import io.helixstack.store.Database;
import io.helixstack.store.RuntimeLogRepository;
import io.helixstack.store.SecretBox;
import io.helixstack.store.Store;
import io.helixstack.testing.TestDatabase;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The store sink meets the sink contract, read back from PostgreSQL. */
class StoreLogSinkContractIT extends ObservabilitySinkContract {
    private static final AtomicInteger APPS = new AtomicInteger();
    private static TestDatabase testDb;
    private static Database db;
    private static Store store;

    private Application app;

    @BeforeAll
    static void start() {
        testDb = TestDatabase.create();
        db = Database.external(testDb.jdbcUrl());
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        store = new Store(db.jdbi(), new SecretBox(key), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        db.close();
        testDb.close();
    }

    @Override
    protected UUID createDeployment() {
        var project = store.projects().findOrCreate(store.tokens().defaultTeam(), "default");
        app = store.applications().create(project.id(), AppName.of("sink-" + APPS.incrementAndGet()), null, null);
        return store.deployments().create(app, Deployment.PRODUCTION, new Source.Upload("sha256:aa"), "upload").id();
    }

    @Override
    protected String app() {
        return app.name().value();
    }

    @Override
    protected ObservabilitySink createSink() {
        return new StoreLogSink(store, Clock.systemUTC());
    }

    @Override
    protected List<LogRecord> receivedLogs() {
        return store.runtimeLogs().after(app.id(), 0, 100_000, RuntimeLogRepository.Filter.NONE).stream()
                .map(l -> new LogRecord(l.at(), l.deploymentId(), l.source(), l.stream(), l.line())).toList();
    }

    @Override
    protected List<MetricPoint> receivedMetrics() {
        return store.metrics().ofDeployment(deployment()).stream()
                .map(p -> new MetricPoint(p.name(), MetricPoint.Kind.valueOf(p.kind().toUpperCase(Locale.ROOT)), p.unit(),
                        app(), p.deploymentId(), p.attributes(), p.start(), p.at(), p.value(), p.bounds(), p.counts()))
                .toList();
    }

    @Test
    void secretValuesAreMaskedBeforeTheStoreAndBeforeTheNextSink() {
        InMemoryObservabilitySink next = new InMemoryObservabilitySink();
        UUID deployment = createDeployment();
        try (StoreLogSink sink = new StoreLogSink(store, Clock.systemUTC(), StoreLogSink.DEFAULT_MAX_AGE, 1000, next)) {
            sink.protect(deployment, List.of("s3cr3t-value"));
            sink.ingestLogs(List.of(new LogRecord(Instant.now(), deployment, "web-1", "stdout", "token=s3cr3t-value ok")));
            sink.flush();
        }

        assertThat(store.runtimeLogs().after(app.id(), 0, 10, RuntimeLogRepository.Filter.NONE))
                .extracting(RuntimeLogRepository.Line::line).singleElement().asString()
                .doesNotContain("s3cr3t-value").contains("ok");
        assertThat(next.records()).extracting(LogRecord::line).singleElement().asString()
                .doesNotContain("s3cr3t-value").contains("ok");
    }
}
