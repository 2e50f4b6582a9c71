package io.helixstack.plugin.tck;

import io.helixstack.plugin.api.Cluster;
import io.helixstack.plugin.api.ClusterRequest;
import io.helixstack.plugin.api.ObservabilitySink;
import io.helixstack.plugin.api.Provider;
import io.helixstack.plugin.api.RuntimeDriver;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link Provider} whose clusters are {@link InMemoryRuntimeDriver}s: instances are real HTTP servers in this JVM, so the
 * built-in proxy can reach them directly (no ingress). Settings: {@code token} is required (like a cloud API token);
 * {@code fail} makes {@link #provision} fail with its value as the reason.
 */
public final class InMemoryProvider implements Provider {
    public static final String NAME = "in-memory";
    public static final String BACKEND = "in-memory-cluster";

    private final Map<java.util.UUID, Cluster> clusters = new ConcurrentHashMap<>();
    private final Map<String, InMemoryRuntimeDriver> drivers = new ConcurrentHashMap<>();
    private final List<String> destroyed = new CopyOnWriteArrayList<>();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, String> register(Map<String, String> settings) {
        String token = settings.get("token");
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("settings.token: missing (expected: the provider's API token)");
        }
        return Map.copyOf(settings);
    }

    @Override
    public Cluster provision(ClusterRequest request) {
        if (request.settings().containsKey("fail")) {
            throw new IllegalStateException(request.settings().get("fail"));
        }
        return clusters.computeIfAbsent(request.upgradeId(), id -> new Cluster("mem-" + id.toString().substring(0, 8), NAME, BACKEND,
                request.region() == null ? "local" : request.region(), Optional.empty(), Map.of("token", request.settings().get("token"))));
    }

    @Override
    public RuntimeDriver deploy(Cluster cluster, ObservabilitySink sink) {
        if (destroyed.contains(cluster.id())) {
            throw new IllegalStateException("cluster " + cluster.id() + " was destroyed");
        }
        return drivers.computeIfAbsent(cluster.id(), id -> new InMemoryRuntimeDriver(sink));
    }

    @Override
    public void destroy(Cluster cluster) {
        InMemoryRuntimeDriver driver = drivers.remove(cluster.id());
        if (driver != null) {
            driver.close();
        }
        if (!destroyed.contains(cluster.id())) {
            destroyed.add(cluster.id());
        }
        clusters.values().removeIf(c -> c.id().equals(cluster.id()));
    }

    /** The driver of a cluster, for tests to look at its instances. */
    public Optional<InMemoryRuntimeDriver> driverOf(String clusterId) {
        return Optional.ofNullable(drivers.get(clusterId));
    }

    /** Every cluster provisioned and not destroyed. */
    public Map<java.util.UUID, Cluster> clusters() {
        return new HashMap<>(clusters);
    }
}
