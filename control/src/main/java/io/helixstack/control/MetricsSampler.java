package io.helixstack.control;

import io.helixstack.domain.Deployment;
import io.helixstack.plugin.api.Instance;
import io.helixstack.plugin.api.InstanceStats;
import io.helixstack.plugin.api.MetricPoint;
import io.helixstack.plugin.api.ObservabilitySink;
import io.helixstack.plugin.api.RuntimeDriver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every interval, turns what is served into {@link MetricPoint}s for the sinks: the proxy's cumulative request meters
 * become per-interval deltas (a latency histogram per status class, response bytes), the in-flight gauge is read, and the
 * runtime's per-instance statistics become CPU seconds, resident memory and restarts per deployment. It also exposes
 * CPU and memory per deployment as Prometheus series ({@code helix_instance_cpu_seconds_total},
 * {@code helix_instance_memory_bytes}), removed when the deployment is no longer served.
 */
public final class MetricsSampler implements AutoCloseable {
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(15);
    static final String REQUEST_DURATION = "helix.proxy.request.duration";
    static final String RESPONSE_BYTES = "helix.proxy.response.bytes";
    static final String IN_FLIGHT = "helix.proxy.in_flight";
    static final String CPU_TIME = "helix.instance.cpu.time";
    static final String MEMORY = "helix.instance.memory.usage";
    static final String RESTARTS = "helix.instance.restarts";
    private static final Logger log = LoggerFactory.getLogger(MetricsSampler.class);

    /** The latest reading of one deployment's instances. */
    public record Usage(Instant at, double cpuPercent, long memoryBytes, int instances, int restarts) {
    }

    /** A served deployment as the sampler sees it. */
    record Target(String app, UUID deploymentId, List<Instance> instances) {
    }

    private final MeterRegistry registry;
    private final java.util.function.Function<Instance, Optional<InstanceStats>> stats;
    private final Supplier<List<Target>> targets;
    private final ObservabilitySink sink;
    private final Clock clock;
    private final Duration interval;
    private final Map<UUID, Previous> previous = new HashMap<>();
    private final Map<UUID, Usage> latest = new ConcurrentHashMap<>();
    private final List<Runnable> afterSample = new java.util.concurrent.CopyOnWriteArrayList<>();
    private ScheduledExecutorService scheduler;

    MetricsSampler(MeterRegistry registry, RuntimeDriver runtime, Supplier<List<Target>> targets, ObservabilitySink sink,
                   Clock clock, Duration interval) {
        this(registry, runtime::stats, targets, sink, clock, interval);
    }

    private MetricsSampler(MeterRegistry registry, java.util.function.Function<Instance, Optional<InstanceStats>> stats,
                           Supplier<List<Target>> targets, ObservabilitySink sink, Clock clock, Duration interval) {
        this.registry = registry;
        this.stats = stats;
        this.targets = targets;
        this.sink = sink;
        this.clock = clock;
        this.interval = interval;
    }

    /** Samples what the orchestrator serves, each instance through the driver that runs it (the local one, or a cluster's). */
    public MetricsSampler(MeterRegistry registry, DeploymentOrchestrator orchestrator, ObservabilitySink sink, Clock clock,
                          Duration interval) {
        this(registry, (Instance i) -> orchestrator.driverOf(i).stats(i), () -> orchestrator.served().stream()
                .map(s -> new Target(s.app(), s.deploymentId(), s.instances())).toList(), sink, clock, interval);
    }

    /**
     * For a delivery process of its own: samples its proxy's request meters for every deployment its route table serves
     * (the instances' CPU and memory are the control plane's to sample) and hands them to {@code sink}.
     */
    public static MetricsSampler ofRoutes(MeterRegistry registry, Supplier<io.helixstack.plugin.api.RouteTable> routes,
                                          ObservabilitySink sink, Clock clock, Duration interval) {
        return new MetricsSampler(registry, (Instance i) -> Optional.empty(), () -> routes.get().asMap().values().stream()
                .map(r -> new Target(r.app(), r.deploymentId(), List.of())).distinct().toList(), sink, clock, interval);
    }

    /** Samples every interval on a thread of its own until closed. */
    public MetricsSampler start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("metrics-sampler")
                .unstarted(r));
        long millis = interval.toMillis();
        scheduler.scheduleAtFixedRate(() -> {
            try {
                sample();
            } catch (RuntimeException e) {
                log.atWarn().setCause(e).log("Metrics sample failed; will retry");
            }
        }, millis, millis, TimeUnit.MILLISECONDS);
        return this;
    }

    /** Where alert notes for the apps' logs go: the sink when it keeps a platform log, else null. */
    PlatformLog platformLog() {
        return sink instanceof PlatformLog p ? p : null;
    }

    public Duration interval() {
        return interval;
    }

    /** Runs {@code task} after every sample (e.g. alert checks, which read what the sample stored). */
    void afterEachSample(Runnable task) {
        afterSample.add(task);
    }

    /** The latest CPU and memory reading of a deployment's instances, if it was sampled while served. */
    public Optional<Usage> usage(UUID deploymentId) {
        return Optional.ofNullable(latest.get(deploymentId));
    }

    /** Takes one sample now, hands it to the sink and returns it. */
    public synchronized List<MetricPoint> sample() {
        Instant now = clock.instant();
        List<MetricPoint> points = new ArrayList<>();
        Set<UUID> seen = new HashSet<>();
        for (Target t : targets.get()) {
            seen.add(t.deploymentId());
            Previous prev = previous.computeIfAbsent(t.deploymentId(), id -> new Previous(t.app(), id, now));
            sampleProxy(t, prev, now, points);
            sampleInstances(t, prev, now, points);
            prev.at = now;
        }
        previous.entrySet().removeIf(e -> {
            if (seen.contains(e.getKey())) {
                return false;
            }
            e.getValue().remove();
            latest.remove(e.getKey());
            return true;
        });
        if (!points.isEmpty()) {
            sink.ingestMetrics(points);
            sink.flush();
        }
        afterSample.forEach(task -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.atWarn().setCause(e).log("After-sample task failed");
            }
        });
        return points;
    }

    private void sampleProxy(Target t, Previous prev, Instant now, List<MetricPoint> points) {
        String shortId = Deployment.shortId(t.deploymentId());
        for (Timer timer : registry.find(MetricsApi.REQUESTS).tags("app", t.app(), "deployment", shortId).timers()) {
            String status = timer.getId().getTag("status");
            HistogramState before = prev.histograms.getOrDefault(status, HistogramState.EMPTY);
            HistogramState now1 = HistogramState.of(timer);
            prev.histograms.put(status, now1);
            Optional<MetricPoint> point = now1.minus(before).map(d -> MetricPoint.histogram(REQUEST_DURATION, "ms", t.app(),
                    t.deploymentId(), Map.of("status", status), prev.at, now, d.sumMillis, d.bounds, d.counts));
            point.ifPresent(points::add);
        }
        Counter bytes = registry.find(MetricsApi.RESPONSE_BYTES).tags("app", t.app(), "deployment", shortId).counter();
        if (bytes != null) {
            double delta = bytes.count() - prev.bytes;
            prev.bytes = bytes.count();
            if (delta > 0) {
                points.add(MetricPoint.counter(RESPONSE_BYTES, "By", t.app(), t.deploymentId(), Map.of(), prev.at, now, delta));
            }
        }
        Gauge inFlight = registry.find(MetricsApi.IN_FLIGHT).tags("app", t.app(), "deployment", shortId).gauge();
        if (inFlight != null) {
            points.add(MetricPoint.gauge(IN_FLIGHT, "1", t.app(), t.deploymentId(), Map.of(), now, inFlight.value()));
        }
    }

    private void sampleInstances(Target t, Previous prev, Instant now, List<MetricPoint> points) {
        if (t.instances().isEmpty()) {
            return; // static: nothing runs
        }
        double cpuDelta = 0;
        long memory = 0;
        int restartsDelta = 0;
        int restarts = 0;
        Map<String, InstanceStats> current = new HashMap<>();
        for (Instance i : t.instances()) {
            Optional<InstanceStats> sampled = stats.apply(i);
            if (sampled.isEmpty()) {
                continue;
            }
            InstanceStats s = sampled.get();
            current.put(i.id(), s);
            InstanceStats before = prev.instances.get(i.id());
            // A restart starts the CPU count again from zero, like a counter reset.
            cpuDelta += before == null || s.cpuSeconds() < before.cpuSeconds() ? s.cpuSeconds() : s.cpuSeconds() - before.cpuSeconds();
            restartsDelta += s.restarts() - (before == null ? 0 : before.restarts());
            restarts += s.restarts();
            memory += s.memoryBytes();
        }
        prev.instances.clear();
        prev.instances.putAll(current);
        prev.cpuSeconds += cpuDelta;
        prev.memoryBytes = memory;
        prev.register(registry);
        points.add(MetricPoint.counter(CPU_TIME, "s", t.app(), t.deploymentId(), Map.of(), prev.at, now, cpuDelta));
        points.add(MetricPoint.gauge(MEMORY, "By", t.app(), t.deploymentId(), Map.of(), now, memory));
        if (restartsDelta > 0) {
            points.add(MetricPoint.counter(RESTARTS, "1", t.app(), t.deploymentId(), Map.of(), prev.at, now, restartsDelta));
        }
        double seconds = Duration.between(prev.at, now).toMillis() / 1000.0;
        double cpuPercent = seconds <= 0 ? 0 : Math.round(cpuDelta / seconds * 1000) / 10.0;
        latest.put(t.deploymentId(), new Usage(now, cpuPercent, memory, current.size(), restarts));
    }

    @Override
    public void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        synchronized (this) {
            previous.values().forEach(Previous::remove);
            previous.clear();
        }
    }

    /** What the last sample saw of one deployment, and its CPU/memory series in the registry. */
    private static final class Previous {
        final String app;
        final UUID deploymentId;
        Instant at;
        double bytes;
        final Map<String, HistogramState> histograms = new HashMap<>();
        final Map<String, InstanceStats> instances = new HashMap<>();
        volatile double cpuSeconds;
        volatile long memoryBytes;
        private final List<Meter> meters = new ArrayList<>();
        private MeterRegistry registry;

        Previous(String app, UUID deploymentId, Instant firstSeen) {
            this.app = app;
            this.deploymentId = deploymentId;
            this.at = firstSeen;
        }

        void register(MeterRegistry into) {
            if (registry != null) {
                return;
            }
            registry = into;
            String shortId = Deployment.shortId(deploymentId);
            meters.add(FunctionCounter.builder("helix.instance.cpu.seconds", this, p -> p.cpuSeconds)
                    .tags("app", app, "deployment", shortId).baseUnit("seconds")
                    .description("CPU time used by the deployment's instances while sampled").register(into));
            meters.add(Gauge.builder("helix.instance.memory", this, p -> p.memoryBytes)
                    .tags("app", app, "deployment", shortId).baseUnit("bytes")
                    .description("Resident memory of the deployment's instances at the last sample").register(into));
        }

        void remove() {
            if (registry != null) {
                meters.forEach(registry::remove);
            }
        }
    }

    /** A timer's cumulative histogram: counts at or below each bound (ms), the total count and sum (ms). */
    private record HistogramState(List<Double> bounds, List<Double> cumulative, long count, double sumMillis) {
        static final HistogramState EMPTY = new HistogramState(List.of(), List.of(), 0, 0);

        static HistogramState of(Timer timer) {
            List<Double> bounds = new ArrayList<>();
            List<Double> cumulative = new ArrayList<>();
            for (CountAtBucket c : timer.takeSnapshot().histogramCounts()) {
                if (!Double.isInfinite(c.bucket())) {
                    bounds.add(c.bucket(TimeUnit.MILLISECONDS));
                    cumulative.add(c.count());
                }
            }
            return new HistogramState(bounds, cumulative, timer.count(), timer.totalTime(TimeUnit.MILLISECONDS));
        }

        /** The observations since {@code before}, as per-bucket counts; empty when there were none. */
        Optional<Delta> minus(HistogramState before) {
            boolean reset = count < before.count || !before.bounds.isEmpty() && !before.bounds.equals(bounds);
            HistogramState base = reset ? EMPTY : before;
            long observations = count - base.count;
            if (observations <= 0) {
                return Optional.empty();
            }
            List<Long> counts = new ArrayList<>(bounds.size() + 1);
            double below = 0;
            for (int i = 0; i < bounds.size(); i++) {
                double now = cumulative.get(i) - (base.cumulative.isEmpty() ? 0 : base.cumulative.get(i));
                counts.add(Math.max(0, Math.round(now - below)));
                below = now;
            }
            counts.add(Math.max(0, observations - Math.round(below)));
            return Optional.of(new Delta(bounds, counts, Math.max(0, sumMillis - base.sumMillis)));
        }
    }

    private record Delta(List<Double> bounds, List<Long> counts, double sumMillis) {
    }
}
