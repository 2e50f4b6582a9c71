package io.helixstack.control;

import io.helixstack.build.LocalBuildService;
import io.helixstack.build.ProcessCommandRunner;
import io.helixstack.plugin.api.Buildpack;
import io.helixstack.plugin.tck.InMemoryDeliveryProvider;
import io.helixstack.plugin.tck.InMemoryRuntimeDriver;
import io.helixstack.store.Database;
import io.helixstack.store.SecretBox;
import io.helixstack.store.Store;
import io.helixstack.testing.TestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The control plane as the API tests meet it: real PostgreSQL (a database of its own), the real build service with
 * the given buildpacks, the in-memory runtime and delivery fakes, and the API on a free port of 127.0.0.1.
 */
final class ControlPlaneFixture implements AutoCloseable {
    final TestDatabase testDb = TestDatabase.create();
    final Database db = Database.external(testDb.jdbcUrl());
    final Store store;
    final StoreLogSink logs;
    /** The first region's runtime. */
    final InMemoryRuntimeDriver runtime;
    /** Each region's runtime, by region name, in order. */
    final java.util.Map<String, InMemoryRuntimeDriver> regions = new java.util.LinkedHashMap<>();
    final InMemoryDeliveryProvider delivery = new InMemoryDeliveryProvider();
    final DeploymentOrchestrator orchestrator;
    final ControlPlane api;
    final ControlConfig config;
    final LocalBuildService builds;
    /** Not started: tests call {@link MetricsSampler#sample()} themselves. */
    final MetricsSampler sampler;
    /** The PostgreSQL bus over this database's outbox, for the control plane's bus consumers. */
    final io.helixstack.bus.PostgresEventBus bus;
    /** The managed PostgreSQL for apps' databases: the server of {@link #testDb}, names prefixed by {@link #dbPrefix}. */
    final io.helixstack.store.PostgresCluster cluster;
    final String dbPrefix = "helix_t" + java.util.UUID.randomUUID().toString().substring(0, 8) + "_";
    /** The provider upgrades go to: clusters of in-memory instances. */
    final io.helixstack.plugin.tck.InMemoryProvider provider = new io.helixstack.plugin.tck.InMemoryProvider();
    final io.helixstack.plugin.api.Subscription upgrades;
    /** An owner token of the default team. */
    final String token;

    ControlPlaneFixture(Path tmp, List<Buildpack> buildpacks, MeterRegistry metrics) {
        this(tmp, buildpacks, metrics, List.of(RuntimeTargets.DEFAULT_REGION));
    }

    /** @param regionNames the platform's regions, each with an in-memory runtime of its own */
    ControlPlaneFixture(Path tmp, List<Buildpack> buildpacks, MeterRegistry metrics, List<String> regionNames) {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        store = new Store(db.jdbi(), new SecretBox(key), Clock.systemUTC());
        logs = new StoreLogSink(store, Clock.systemUTC());
        for (String region : regionNames) {
            regions.put(region, new InMemoryRuntimeDriver(logs));
        }
        runtime = regions.values().iterator().next();
        builds = new LocalBuildService(tmp.resolve("build"), buildpacks, ProcessCommandRunner::new, Clock.systemUTC());
        // Small limits so tests reach them quickly: 64 KiB uploads, 2 s health checks.
        config = new ControlConfig("localhost", 8080, 64 * 1024, Duration.ofSeconds(5), Duration.ofSeconds(1),
                Duration.ofSeconds(2));
        cluster = testDb.embedded() ? io.helixstack.store.PostgresCluster.embedded(tmp.resolve("managed-postgres/data"))
                : io.helixstack.store.PostgresCluster.external("postgresql://postgres@127.0.0.1:5432/postgres");
        orchestrator = new DeploymentOrchestrator(store, builds, new RuntimeTargets(regions.entrySet().stream()
                .map(r -> new RuntimeTargets.Target(r.getValue(), java.util.Optional.empty(), r.getKey())).toList()), delivery, logs,
                config, Clock.systemUTC(), new PostgresManagedDatabases(() -> cluster, store, logs, dbPrefix));
        sampler = new MetricsSampler(metrics, orchestrator, logs, Clock.systemUTC(), MetricsSampler.DEFAULT_INTERVAL);
        api = new ControlPlane(new InetSocketAddress("127.0.0.1", 0), store, builds, orchestrator, config, Clock.systemUTC(), metrics,
                new ControlPlane.Options(sampler, tmp.resolve("git"), null, java.util.Map.of(provider.name(), provider)));
        api.start();
        token = store.tokens().create(store.tokens().defaultTeam(), "test", "owner");
        bus = io.helixstack.bus.PostgresEventBus.start(db.dataSource(), io.helixstack.bus.PostgresEventBus.Settings.defaults()
                .withRetry(new io.helixstack.plugin.api.RetryPolicy(5, Duration.ofMillis(100), Duration.ofSeconds(1))));
        upgrades = new Upgrader(store, java.util.Map.of(provider.name(), provider), orchestrator, logs, logs, true).subscribe(bus);
    }

    /** The databases the tests made in the shared server go with them: CI reuses the server between runs. */
    private void dropManagedDatabases() {
        store.jdbi().useHandle(h -> h.createQuery("select database_name from managed_databases").mapTo(String.class).list()
                .forEach(cluster::drop));
    }

    @Override
    public void close() {
        upgrades.close();
        bus.close();
        api.close();
        sampler.close();
        orchestrator.close();
        regions.values().forEach(InMemoryRuntimeDriver::close);
        dropManagedDatabases();
        cluster.close();
        logs.close();
        db.close();
        testDb.close();
    }
}
