package io.helixstack.control;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.annotation.Blocking;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import io.helixstack.domain.Application;
import io.helixstack.domain.Deployment;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The proxy's request metrics: all of them in Prometheus text at {@code /metrics}, and one application's per deployment
 * as JSON. The proxy records into the registry the server shares with us; we read its meters by name and tags, so the
 * control plane needs no dependency on the delivery plane, only these names (delivery's {@code ProxyMetrics}).
 */
@Blocking
final class MetricsApi {
    static final String REQUESTS = "helix.proxy.requests";
    static final String RESPONSE_BYTES = "helix.proxy.response.bytes";
    static final String IN_FLIGHT = "helix.proxy.in.flight";
    private static final MediaType PROMETHEUS_TEXT = MediaType.parse("text/plain; version=0.0.4; charset=utf-8");

    record Latency(double p50, double p95, double p99) {
    }

    record DeploymentMetrics(String deployment, UUID deploymentId, String state, Map<String, Long> requests, long requestsTotal,
                             Latency latencyMs, long responseBytes, int inFlight) {
    }

    record AppMetrics(String app, List<DeploymentMetrics> deployments) {
    }

    private final ApiContext api;
    private final MeterRegistry registry;

    MetricsApi(ApiContext api, MeterRegistry registry) {
        this.api = api;
        this.registry = registry;
    }

    @Get("/metrics")
    public HttpResponse prometheus() {
        if (!(registry instanceof PrometheusMeterRegistry prometheus)) {
            return ProblemHandler.problem(HttpStatus.NOT_FOUND,
                    "no Prometheus registry (expected: the server to pass a PrometheusMeterRegistry to the control plane)");
        }
        return HttpResponse.of(HttpStatus.OK, PROMETHEUS_TEXT, prometheus.scrape());
    }

    /** Deployments the proxy has served since they were routed; a deployment's series end when it leaves the table. */
    @Get("/applications/{app}/metrics")
    public HttpResponse application(@Param("app") String appName) {
        Application app = api.application(appName);
        String name = app.name().value();
        Map<String, Deployment> byShortId = new HashMap<>();
        api.store.deployments().listByApplication(app.id(), 10_000).forEach(d -> byShortId.putIfAbsent(d.shortId(), d));
        Map<String, List<Timer>> timers = registry.find(REQUESTS).tag("app", name).timers().stream()
                .collect(Collectors.groupingBy(t -> t.getId().getTag("deployment")));
        TreeSet<String> served = new TreeSet<>(timers.keySet());
        registry.find(IN_FLIGHT).tag("app", name).meters().forEach(m -> served.add(m.getId().getTag("deployment")));
        List<DeploymentMetrics> out = new ArrayList<>();
        for (String shortId : served) {
            Deployment d = byShortId.get(shortId);
            out.add(deployment(name, shortId, d, timers.getOrDefault(shortId, List.of())));
        }
        // Newest first, like the deployments list.
        out.sort(Comparator.comparing((DeploymentMetrics m) -> byShortId.containsKey(m.deployment())
                ? byShortId.get(m.deployment()).number() : -1).reversed());
        return ApiJson.ok(new AppMetrics(name, out));
    }

    private DeploymentMetrics deployment(String app, String shortId, Deployment d, List<Timer> timers) {
        Map<String, Long> byStatus = new TreeMap<>();
        timers.forEach(t -> byStatus.put(t.getId().getTag("status"), t.count()));
        Counter bytes = registry.find(RESPONSE_BYTES).tags("app", app, "deployment", shortId).counter();
        Gauge inFlight = registry.find(IN_FLIGHT).tags("app", app, "deployment", shortId).gauge();
        return new DeploymentMetrics(shortId, d == null ? null : d.id(), d == null ? null : d.state().wireName(), byStatus,
                byStatus.values().stream().mapToLong(Long::longValue).sum(), latency(timers),
                bytes == null ? 0 : (long) bytes.count(), inFlight == null ? 0 : (int) inFlight.value());
    }

    /**
     * Latency over every status class. Percentiles of separate timers cannot be combined, but histogram buckets can: a
     * Prometheus registry keeps them, so they are summed and interpolated the way {@code histogram_quantile} does. A
     * registry without buckets gets the busiest status class's own percentiles, the nearest honest figure.
     */
    static Latency latency(List<Timer> timers) {
        TreeMap<Double, Double> cumulative = new TreeMap<>();
        for (Timer t : timers) {
            for (CountAtBucket c : t.takeSnapshot().histogramCounts()) {
                cumulative.merge(c.bucket(TimeUnit.MILLISECONDS), c.count(), Double::sum);
            }
        }
        if (!cumulative.isEmpty() && cumulative.lastEntry().getValue() > 0) {
            return new Latency(quantile(cumulative, 0.5), quantile(cumulative, 0.95), quantile(cumulative, 0.99));
        }
        Timer busiest = timers.stream().max(Comparator.comparingLong(Timer::count)).orElse(null);
        if (busiest == null || busiest.count() == 0) {
            return null;
        }
        Map<Double, Double> p = new HashMap<>();
        for (ValueAtPercentile v : busiest.takeSnapshot().percentileValues()) {
            p.put(v.percentile(), round(v.value(TimeUnit.MILLISECONDS)));
        }
        return new Latency(p.getOrDefault(0.5, Double.NaN), p.getOrDefault(0.95, Double.NaN), p.getOrDefault(0.99, Double.NaN));
    }

    /** Linear interpolation inside the first bucket whose cumulative count reaches the rank. */
    private static double quantile(TreeMap<Double, Double> cumulative, double q) {
        double rank = q * cumulative.lastEntry().getValue();
        double lowerBound = 0;
        double lowerCount = 0;
        for (Map.Entry<Double, Double> bucket : cumulative.entrySet()) {
            if (bucket.getValue() >= rank) {
                if (bucket.getKey().isInfinite()) {
                    return round(lowerBound);
                }
                double inBucket = bucket.getValue() - lowerCount;
                return round(inBucket <= 0 ? bucket.getKey()
                        : lowerBound + (bucket.getKey() - lowerBound) * (rank - lowerCount) / inBucket);
            }
            lowerBound = bucket.getKey();
            lowerCount = bucket.getValue();
        }
        return round(lowerBound);
    }

    private static double round(double millis) {
        return Math.round(millis * 1000) / 1000.0;
    }
}
