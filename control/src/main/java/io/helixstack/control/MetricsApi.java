package io.helixstack.control;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.annotation.Blocking;
import com.linecorp.armeria.server.annotation.Default;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import io.helixstack.domain.Application;
import io.helixstack.domain.Deployment;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.helixstack.store.MetricRepository;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

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

    /** CPU (percent of one core), resident memory and restarts of a deployment's instances. */
    record Resources(double cpuPercent, long memoryBytes, Integer instances, int restarts, Instant sampledAt) {
    }

    record DeploymentMetrics(String deployment, UUID deploymentId, String state, Map<String, Long> requests, long requestsTotal,
                             ProxyRequests.Latency latencyMs, long responseBytes, int inFlight, Resources resources) {
    }

    /** {@code window} null: counts since each deployment was routed; otherwise the sampled window ending now. */
    record AppMetrics(String app, String window, Instant since, List<DeploymentMetrics> deployments) {
    }

    private final ApiContext api;
    private final MeterRegistry registry;
    private final ProxyRequests.Source requests;
    private final MetricsSampler sampler;

    /** @param requests the proxy's live request figures: from {@code registry}, or from a delivery process of its own */
    MetricsApi(ApiContext api, MeterRegistry registry, ProxyRequests.Source requests, MetricsSampler sampler) {
        this.api = api;
        this.registry = registry;
        this.requests = requests;
        this.sampler = sampler;
    }

    @Get("/metrics")
    public HttpResponse prometheus() {
        if (!(registry instanceof PrometheusMeterRegistry prometheus)) {
            return ProblemHandler.problem(HttpStatus.NOT_FOUND,
                    "no Prometheus registry (expected: the server to pass a PrometheusMeterRegistry to the control plane)");
        }
        // The proxy's series from a delivery process of its own follow this process's (their names never meet).
        return HttpResponse.of(HttpStatus.OK, PROMETHEUS_TEXT, prometheus.scrape() + requests.prometheusText());
    }

    /**
     * Without {@code window}: the deployments the proxy serves, counted since they were routed, with the latest CPU and
     * memory sample. With {@code window} (e.g. {@code 15m}, {@code 24h}): every deployment that was sampled in that
     * window, from the stored samples, so it covers redeploys and restarts of the server.
     */
    @Get("/applications/{app}/metrics")
    public HttpResponse application(@Param("app") String appName, @Param("window") @Default("") String windowParam) {
        Application app = api.application(appName);
        Duration window = TimeParam.duration("window", windowParam);
        String name = app.name().value();
        Map<String, Deployment> byShortId = new HashMap<>();
        api.store.deployments().listByApplication(app.id(), 10_000).forEach(d -> byShortId.putIfAbsent(d.shortId(), d));
        List<DeploymentMetrics> out = window == null ? live(name, byShortId) : windowed(app, window, byShortId);
        // Newest first, like the deployments list.
        out.sort(Comparator.comparing((DeploymentMetrics m) -> byShortId.containsKey(m.deployment())
                ? byShortId.get(m.deployment()).number() : -1).reversed());
        Instant since = window == null ? null : api.clock().instant().minus(window);
        return ApiJson.ok(new AppMetrics(name, window == null ? null : windowParam.strip(), since, out));
    }

    private List<DeploymentMetrics> live(String name, Map<String, Deployment> byShortId) {
        Map<String, ProxyRequests.Figures> figures = requests.of(name);
        TreeSet<String> served = new TreeSet<>(figures.keySet());
        Map<String, MetricsSampler.Usage> usage = new HashMap<>();
        if (sampler != null) {
            byShortId.forEach((shortId, d) -> sampler.usage(d.id()).ifPresent(u -> {
                usage.put(shortId, u);
                served.add(shortId);
            }));
        }
        List<DeploymentMetrics> out = new ArrayList<>();
        for (String shortId : served) {
            out.add(deployment(shortId, byShortId.get(shortId), figures.get(shortId), usage.get(shortId)));
        }
        return out;
    }

    private List<DeploymentMetrics> windowed(Application app, Duration window, Map<String, Deployment> byShortId) {
        Map<UUID, Window> byDeployment = new LinkedHashMap<>();
        for (MetricRepository.Point p : api.store.metrics().since(app.id(), api.clock().instant().minus(window))) {
            byDeployment.computeIfAbsent(p.deploymentId(), id -> new Window()).add(p);
        }
        double seconds = window.toMillis() / 1000.0;
        List<DeploymentMetrics> out = new ArrayList<>();
        byDeployment.forEach((id, w) -> {
            String shortId = Deployment.shortId(id);
            Deployment d = byShortId.get(shortId);
            Resources resources = w.memoryAt == null ? null
                    : new Resources(Math.round(w.cpuSeconds / seconds * 1000) / 10.0, w.memoryBytes, null, w.restarts, w.memoryAt);
            out.add(new DeploymentMetrics(shortId, id, d == null ? null : d.state().wireName(), w.requests,
                    w.requests.values().stream().mapToLong(Long::longValue).sum(), fromBuckets(w.cumulative()),
                    (long) w.bytes, w.inFlight, resources));
        });
        return out;
    }

    /** One deployment's stored points of a window, summed. */
    private static final class Window {
        final Map<String, Long> requests = new TreeMap<>();
        final TreeMap<Double, Double> buckets = new TreeMap<>();
        double bytes;
        double cpuSeconds;
        int restarts;
        int inFlight;
        long memoryBytes;
        Instant memoryAt;

        void add(MetricRepository.Point p) {
            switch (p.name()) {
                case MetricsSampler.REQUEST_DURATION -> {
                    long count = p.counts().stream().mapToLong(Long::longValue).sum();
                    requests.merge(p.attributes().getOrDefault("status", "unknown"), count, Long::sum);
                    for (int i = 0; i < p.counts().size(); i++) {
                        double bound = i < p.bounds().size() ? p.bounds().get(i) : Double.POSITIVE_INFINITY;
                        buckets.merge(bound, (double) p.counts().get(i), Double::sum);
                    }
                }
                case MetricsSampler.RESPONSE_BYTES -> bytes += p.value();
                case MetricsSampler.CPU_TIME -> cpuSeconds += p.value();
                case MetricsSampler.RESTARTS -> restarts += (int) p.value();
                case MetricsSampler.IN_FLIGHT -> inFlight = (int) p.value();
                case MetricsSampler.MEMORY -> {
                    memoryBytes = (long) p.value();
                    memoryAt = p.at();
                }
                default -> {
                    // a point of a newer server, unknown here
                }
            }
        }

        TreeMap<Double, Double> cumulative() {
            TreeMap<Double, Double> cumulative = new TreeMap<>();
            double sum = 0;
            for (Map.Entry<Double, Double> b : buckets.entrySet()) {
                sum += b.getValue();
                cumulative.put(b.getKey(), sum);
            }
            return cumulative;
        }
    }

    private DeploymentMetrics deployment(String shortId, Deployment d, ProxyRequests.Figures figures, MetricsSampler.Usage usage) {
        ProxyRequests.Figures f = figures == null ? new ProxyRequests.Figures(Map.of(), null, 0, 0) : figures;
        return new DeploymentMetrics(shortId, d == null ? null : d.id(), d == null ? null : d.state().wireName(),
                new TreeMap<>(f.byStatus()), f.total(), f.latencyMs(), f.responseBytes(), f.inFlight(),
                usage == null ? null : new Resources(usage.cpuPercent(), usage.memoryBytes(), usage.instances(), usage.restarts(),
                        usage.at()));
    }

    /**
     * Latency over every status class. Percentiles of separate timers cannot be combined, but histogram buckets can: a
     * Prometheus registry keeps them, so they are summed and interpolated the way {@code histogram_quantile} does. A
     * registry without buckets gets the busiest status class's own percentiles, the nearest honest figure.
     */
    static ProxyRequests.Latency latency(List<Timer> timers) {
        TreeMap<Double, Double> cumulative = new TreeMap<>();
        for (Timer t : timers) {
            for (CountAtBucket c : t.takeSnapshot().histogramCounts()) {
                cumulative.merge(c.bucket(TimeUnit.MILLISECONDS), c.count(), Double::sum);
            }
        }
        if (!cumulative.isEmpty() && cumulative.lastEntry().getValue() > 0) {
            return fromBuckets(cumulative);
        }
        Timer busiest = timers.stream().max(Comparator.comparingLong(Timer::count)).orElse(null);
        if (busiest == null || busiest.count() == 0) {
            return null;
        }
        Map<Double, Double> p = new HashMap<>();
        for (ValueAtPercentile v : busiest.takeSnapshot().percentileValues()) {
            p.put(v.percentile(), round(v.value(TimeUnit.MILLISECONDS)));
        }
        return new ProxyRequests.Latency(p.getOrDefault(0.5, Double.NaN), p.getOrDefault(0.95, Double.NaN), p.getOrDefault(0.99, Double.NaN));
    }

    /** p50/p95/p99 of cumulative bucket counts by upper bound (ms); null when there was no observation. */
    static ProxyRequests.Latency fromBuckets(TreeMap<Double, Double> cumulative) {
        if (cumulative.isEmpty() || cumulative.lastEntry().getValue() <= 0) {
            return null;
        }
        return new ProxyRequests.Latency(quantile(cumulative, 0.5), quantile(cumulative, 0.95), quantile(cumulative, 0.99));
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
