package io.helixstack.control;

import io.helixstack.domain.Application;
import io.helixstack.domain.Event;
import io.helixstack.plugin.api.Cluster;
import io.helixstack.plugin.api.ClusterRequest;
import io.helixstack.plugin.api.Delivery;
import io.helixstack.plugin.api.Endpoint;
import io.helixstack.plugin.api.EventBus;
import io.helixstack.plugin.api.ObservabilitySink;
import io.helixstack.plugin.api.Provider;
import io.helixstack.plugin.api.Subscription;
import io.helixstack.store.Store;
import io.helixstack.store.UpgradeRepository;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out upgrades, as the bus consumer of {@code cluster.provision.requested}: the provider provisions (or adopts)
 * the cluster, the live production deployment starts there, traffic moves once it is ready, the application's backend
 * changes. Any failure leaves the application where it ran, with the reason recorded. Redelivered events do nothing twice:
 * each step is guarded by the upgrade's recorded state.
 */
public final class Upgrader {
    static final String CONSUMER = "upgrades";
    private static final Logger log = LoggerFactory.getLogger(Upgrader.class);

    private final Store store;
    private final Map<String, Provider> providers;
    private final DeploymentOrchestrator orchestrator;
    private final ObservabilitySink sink;
    private final PlatformLog platformLog;
    private final boolean databasesReachable;

    /**
     * @param databasesReachable whether the managed databases are on a server a cluster can reach (not the embedded one,
     *                           which listens on 127.0.0.1); an application with managed databases cannot move otherwise
     */
    public Upgrader(Store store, Map<String, Provider> providers, DeploymentOrchestrator orchestrator, ObservabilitySink sink,
                    PlatformLog platformLog, boolean databasesReachable) {
        this.databasesReachable = databasesReachable;
        this.store = store;
        this.providers = Map.copyOf(providers);
        this.orchestrator = orchestrator;
        this.sink = sink;
        this.platformLog = platformLog;
    }

    public Subscription subscribe(EventBus bus) {
        return bus.subscribe(CONSUMER, Set.of(Event.ClusterProvisionRequested.class), this::handle);
    }

    void handle(Delivery delivery) {
        if (delivery.event() instanceof Event.ClusterProvisionRequested requested) {
            run(requested.upgradeId());
        }
    }

    /** Runs (or resumes) one upgrade to its end. */
    void run(UUID upgradeId) {
        Optional<UpgradeRepository.Upgrade> found = store.upgrades().find(upgradeId);
        if (found.isEmpty() || !Set.of(UpgradeRepository.REQUESTED, UpgradeRepository.DEPLOYING).contains(found.get().state())) {
            return;
        }
        UpgradeRepository.Upgrade u = found.get();
        Application app = store.applications().byId(u.applicationId()).orElseThrow();
        Provider provider = providers.get(u.provider());
        if (provider == null) {
            fail(u, "provider " + u.provider() + " is not available on this HelixStack");
            return;
        }
        if (!databasesReachable && !store.managedDatabases().of(app.id(), io.helixstack.domain.Deployment.PRODUCTION).isEmpty()) {
            fail(u, "its managed databases run on this machine's embedded PostgreSQL, which a cluster cannot reach (expected:"
                    + " HELIX_MANAGED_POSTGRES set to a PostgreSQL server the cluster reaches)");
            return;
        }
        io.helixstack.plugin.api.RuntimeDriver driver = null;
        try {
            Cluster cluster;
            if (u.state().equals(UpgradeRepository.REQUESTED)) {
                note(u, "Upgrade of " + app.name() + ": " + provider.name() + " provisions the cluster");
                cluster = provider.provision(new ClusterRequest(u.id(), app.name().value(), u.region(), u.nodeCount(), u.nodeSize(),
                        store.upgrades().settings(u.id())));
                store.upgrades().provisioned(u.id(), cluster.id(), cluster.backend(), describe(cluster));
                note(u, "Cluster " + cluster.id() + " (" + cluster.backend() + ") answers; starting " + app.name() + " there");
            } else {
                cluster = cluster(u).orElseThrow(() -> new IllegalStateException("the provisioned cluster was not recorded"));
            }
            driver = provider.deploy(cluster, sink);
            RuntimeTargets.Target target = new RuntimeTargets.Target(driver, cluster.ingress(), regionOf(cluster));
            // The upgrade is recorded completed under the switch, before traffic moves: the record and the route agree.
            Optional<String> failure = orchestrator.moveTo(app, target, () -> store.upgrades().completed(u.id()));
            if (failure.isPresent()) {
                driver.close();
                fail(u, failure.get());
                return;
            }
            note(u, "Upgrade of " + app.name() + " completed: it runs on " + cluster.backend() + " (cluster " + cluster.id() + ")");
        } catch (RuntimeException e) {
            if (driver != null) {
                driver.close();
            }
            log.atWarn().setCause(e).addKeyValue("upgrade", u.id()).log("Upgrade failed");
            fail(u, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    /** After a restart: applications upgraded before run on their clusters again. */
    public void restore() {
        for (UpgradeRepository.Upgrade u : store.upgrades().completed()) {
            Provider provider = providers.get(u.provider());
            Optional<Cluster> cluster = cluster(u);
            if (provider == null || cluster.isEmpty()) {
                log.atWarn().addKeyValue("upgrade", u.id()).log("An upgraded application's provider or cluster is gone");
                continue;
            }
            orchestrator.useTarget(u.applicationId(), new RuntimeTargets.Target(provider.deploy(cluster.get(), sink),
                    cluster.get().ingress(), regionOf(cluster.get())));
        }
    }

    /** The cluster's region as a region name (lower case), or the default region when it names none that fits. */
    static String regionOf(Cluster cluster) {
        String region = cluster.region() == null ? "" : cluster.region().strip().toLowerCase(java.util.Locale.ROOT);
        return RuntimeTargets.REGION.matcher(region).matches() ? region : RuntimeTargets.DEFAULT_REGION;
    }

    private Optional<Cluster> cluster(UpgradeRepository.Upgrade u) {
        return store.upgrades().cluster(u.id()).map(m -> {
            Map<String, String> connection = new LinkedHashMap<>(m);
            String id = connection.remove("@id");
            String backend = connection.remove("@backend");
            String region = connection.remove("@region");
            String ingress = connection.remove("@ingress");
            Optional<Endpoint> endpoint = ingress == null ? Optional.empty() : Optional.of(new Endpoint(
                    ingress.substring(0, ingress.lastIndexOf(':')), Integer.parseInt(ingress.substring(ingress.lastIndexOf(':') + 1))));
            return new Cluster(id, u.provider(), backend, region, endpoint, connection);
        });
    }

    /** The cluster as one sealed map: its connection plus its own fields under {@code @}-keys. */
    private static Map<String, String> describe(Cluster cluster) {
        Map<String, String> all = new LinkedHashMap<>(cluster.connection());
        all.put("@id", cluster.id());
        all.put("@backend", cluster.backend());
        if (cluster.region() != null) {
            all.put("@region", cluster.region());
        }
        cluster.ingress().ifPresent(e -> all.put("@ingress", e.host() + ":" + e.port()));
        return all;
    }

    private void fail(UpgradeRepository.Upgrade u, String reason) {
        store.upgrades().failed(u.id(), reason);
        note(u, "Upgrade failed: " + reason + "; the application keeps running where it was");
    }

    private void note(UpgradeRepository.Upgrade u, String line) {
        platformLog.note(u.applicationId(), u.deploymentId(), line);
    }
}
