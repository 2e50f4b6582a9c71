package io.helixstack.delivery;

import com.linecorp.armeria.common.HttpStatusClass;
import com.linecorp.armeria.common.logging.RequestLog;
import com.linecorp.armeria.common.logging.RequestLogProperty;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.helixstack.plugin.api.Route;
import io.helixstack.plugin.api.RouteTable;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Request metrics per deployment, recorded when Armeria's request log completes (status, total duration, response
 * length), so the request path only bumps an in-flight counter. Series are tagged {@code app} and {@code deployment}
 * (the 8-hex short id of the URLs): their number is bounded by what is deployed, and a deployment's meters are removed
 * when it leaves the route table. Hosts nobody serves share one counter, because their names are attacker-chosen.
 */
final class ProxyMetrics {
    static final String REQUESTS = "helix.proxy.requests";
    static final String RESPONSE_BYTES = "helix.proxy.response.bytes";
    static final String IN_FLIGHT = "helix.proxy.in.flight";
    static final String UNROUTED = "helix.proxy.unrouted.requests";

    private final MeterRegistry registry;
    private final Counter unrouted;
    private final ConcurrentMap<UUID, DeploymentMeters> deployments = new ConcurrentHashMap<>();

    private final boolean enabled;

    ProxyMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.enabled = true;
        this.unrouted = Counter.builder(UNROUTED)
                .description("Requests for a host no deployment serves")
                .register(registry);
    }

    private ProxyMetrics() {
        this.registry = null;
        this.enabled = false;
        this.unrouted = null;
    }

    /** Records nothing. */
    static ProxyMetrics off() {
        return new ProxyMetrics();
    }

    static String shortId(UUID deploymentId) {
        return deploymentId.toString().substring(0, 8);
    }

    void unrouted() {
        if (!enabled) {
            return;
        }
        unrouted.increment();
    }

    /** Counts the request in flight now and records it once its log completes, however it ends. */
    void track(ServiceRequestContext ctx, Route route) {
        if (!enabled) {
            return;
        }
        DeploymentMeters meters = deployments.computeIfAbsent(route.deploymentId(), id -> new DeploymentMeters(route));
        meters.inFlight.incrementAndGet();
        // The closure holds this deployment's meters, so a request that outlives its route still leaves in-flight at 0.
        ctx.log().whenComplete().thenAccept(meters::record);
    }

    /** Removes the meters of deployments that left the table; a request still finishing re-creates none. */
    void retain(RouteTable table) {
        Set<UUID> live = table.asMap().values().stream().map(Route::deploymentId).collect(Collectors.toUnmodifiableSet());
        deployments.entrySet().removeIf(e -> {
            if (live.contains(e.getKey())) {
                return false;
            }
            e.getValue().remove();
            return true;
        });
    }

    static String statusClass(RequestLog log) {
        HttpStatusClass codeClass = log.isAvailable(RequestLogProperty.RESPONSE_HEADERS)
                ? log.responseHeaders().status().codeClass() : HttpStatusClass.UNKNOWN;
        return switch (codeClass) {
            case INFORMATIONAL -> "1xx"; // a WebSocket session (101), recorded when it closes
            case SUCCESS -> "2xx";
            case REDIRECTION -> "3xx";
            case CLIENT_ERROR -> "4xx";
            case SERVER_ERROR -> "5xx";
            // The client went away before any status was sent: not the app's error, so not counted as a 5xx.
            case UNKNOWN -> "aborted";
        };
    }

    private final class DeploymentMeters {
        final Tags tags;
        final AtomicInteger inFlight = new AtomicInteger();
        final Counter bytes;
        final ConcurrentMap<String, Timer> timers = new ConcurrentHashMap<>();
        final List<Meter> registered = new CopyOnWriteArrayList<>();
        volatile boolean removed;

        DeploymentMeters(Route route) {
            this.tags = Tags.of("app", route.app(), "deployment", shortId(route.deploymentId()));
            this.bytes = Counter.builder(RESPONSE_BYTES).baseUnit("bytes").tags(tags)
                    .description("Response body bytes sent to clients").register(registry);
            registered.add(bytes);
            registered.add(Gauge.builder(IN_FLIGHT, inFlight, AtomicInteger::get).tags(tags)
                    .description("Requests and WebSocket sessions in flight").register(registry));
        }

        void record(RequestLog log) {
            inFlight.decrementAndGet();
            if (removed) {
                return;
            }
            String statusClass = statusClass(log);
            Timer timer = timers.get(statusClass);
            if (timer == null && (timer = register(statusClass)) == null) {
                return;
            }
            timer.record(log.totalDurationNanos(), TimeUnit.NANOSECONDS);
            bytes.increment(log.responseLength());
        }

        /** Synchronized with {@link #remove()} so that a timer is never registered after its deployment's meters went. */
        private synchronized Timer register(String statusClass) {
            return removed ? null : timers.computeIfAbsent(statusClass, this::timer);
        }

        private Timer timer(String statusClass) {
            Timer timer = Timer.builder(REQUESTS).tags(tags).tag("status", statusClass)
                    .description("Requests served, by status class, from request start to the end of the response")
                    // Buckets let Prometheus compute quantiles across instances; the client-side percentiles feed the API.
                    .publishPercentileHistogram()
                    .publishPercentiles(0.5, 0.95, 0.99)
                    .register(registry);
            registered.add(timer);
            return timer;
        }

        synchronized void remove() {
            removed = true;
            registered.forEach(registry::remove);
        }
    }
}
