package io.helixstack.plugin.tck;

import io.helixstack.plugin.api.DeliveryProvider;
import io.helixstack.plugin.api.Endpoint;
import io.helixstack.plugin.api.Route;
import io.helixstack.plugin.api.RouteTable;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link DeliveryProvider} with no network: the route table in one {@link AtomicReference}, and requests that tests start
 * with {@link #begin(String)} and finish with {@link #end(Endpoint)}, so {@link #drain} waits for them as the real proxy
 * does. Orchestrator tests use it to check that promotion publishes, drains and purges in the right order.
 */
public final class InMemoryDeliveryProvider implements DeliveryProvider {
    private final AtomicReference<RouteTable> routes = new AtomicReference<>(RouteTable.empty());
    private final List<RouteTable> published = new CopyOnWriteArrayList<>();
    private final List<String> purged = new CopyOnWriteArrayList<>();
    // Guarded by this; drain waits on this monitor for the counts to fall.
    private final Map<Endpoint, Integer> inFlight = new HashMap<>();
    private final Map<Route.Upstreams, Integer> cursors = new HashMap<>();

    @Override
    public void publishRoutes(RouteTable table) {
        Objects.requireNonNull(table, "table");
        routes.set(table);
        published.add(table);
    }

    @Override
    public RouteTable routes() {
        return routes.get();
    }

    /**
     * Routes one request for {@code host} as the proxy would: the next endpoint of its route, round-robin, counted in flight
     * until {@link #end(Endpoint)}.
     *
     * @return empty if no upstream route serves the host (unknown host or a static site)
     */
    public synchronized Optional<Endpoint> begin(String host) {
        // Reading the table inside the monitor that drain() checks under: a drain that saw no request here has already
        // been preceded by its publish, so this read sees the new table and never picks an endpoint being drained.
        if (!(routes.get().find(host).orElse(null) instanceof Route.Upstreams upstreams)) {
            return Optional.empty();
        }
        int cursor = cursors.merge(upstreams, 1, Integer::sum) - 1;
        Endpoint endpoint = upstreams.endpoints().get(Math.floorMod(cursor, upstreams.endpoints().size()));
        inFlight.merge(endpoint, 1, Integer::sum);
        return Optional.of(endpoint);
    }

    /** Finishes one request started by {@link #begin(String)}. */
    public synchronized void end(Endpoint endpoint) {
        Integer left = inFlight.computeIfPresent(endpoint, (e, n) -> n == 1 ? null : n - 1);
        if (left == null) {
            notifyAll();
        }
    }

    public synchronized int inFlight(Endpoint endpoint) {
        return inFlight.getOrDefault(endpoint, 0);
    }

    @Override
    public synchronized boolean drain(Collection<Endpoint> endpoints, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (endpoints.stream().anyMatch(inFlight::containsKey)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    @Override
    public void purge(String host) {
        purged.add(Objects.requireNonNull(host, "host"));
    }

    /** Every table published, oldest first. */
    public List<RouteTable> published() {
        return List.copyOf(published);
    }

    /** Every host purged, in call order. */
    public List<String> purged() {
        return List.copyOf(purged);
    }
}
