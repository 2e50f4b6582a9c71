package io.helixstack.control;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The proxy's request figures of one application's deployments, counted since each was routed: requests by status class,
 * latency percentiles, response bytes and requests in flight, by deployment short id. Read from the proxy's meters where
 * the proxy runs in this process ({@link #of(MeterRegistry)}), or asked of the delivery process that runs it (which also
 * hands over its Prometheus series).
 */
public final class ProxyRequests {
    private ProxyRequests() {
    }

    /** Milliseconds at the 50th, 95th and 99th percentile. */
    public record Latency(double p50, double p95, double p99) {
    }

    /** One deployment's figures; {@code latencyMs} null before its first request. */
    public record Figures(Map<String, Long> byStatus, Latency latencyMs, long responseBytes, int inFlight) {
        public Figures {
            byStatus = Map.copyOf(byStatus);
        }

        public long total() {
            return byStatus.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** Where the figures come from. */
    @FunctionalInterface
    public interface Source {
        /** The figures of the app's deployments the proxy has seen since they were routed, by short id. */
        Map<String, Figures> of(String app);

        /**
         * The proxy's series in Prometheus text, for the control plane's {@code /metrics}, when they are not in its own
         * registry (the proxy runs in a delivery process of its own); empty otherwise.
         */
        default String prometheusText() {
            return "";
        }
    }

    /** The figures of the proxy's meters in {@code registry} (delivery's {@code ProxyMetrics} names, read by name and tags). */
    public static Source of(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        return app -> {
            Map<String, List<Timer>> timers = registry.find(MetricsApi.REQUESTS).tag("app", app).timers().stream()
                    .collect(Collectors.groupingBy(t -> t.getId().getTag("deployment")));
            TreeSet<String> served = new TreeSet<>(timers.keySet());
            registry.find(MetricsApi.IN_FLIGHT).tag("app", app).meters().forEach(m -> served.add(m.getId().getTag("deployment")));
            Map<String, Figures> out = new TreeMap<>();
            for (String shortId : served) {
                List<Timer> own = timers.getOrDefault(shortId, List.of());
                Map<String, Long> byStatus = new TreeMap<>();
                own.forEach(t -> byStatus.put(t.getId().getTag("status"), t.count()));
                Counter bytes = registry.find(MetricsApi.RESPONSE_BYTES).tags("app", app, "deployment", shortId).counter();
                Gauge inFlight = registry.find(MetricsApi.IN_FLIGHT).tags("app", app, "deployment", shortId).gauge();
                out.put(shortId, new Figures(byStatus, MetricsApi.latency(own), bytes == null ? 0 : (long) bytes.count(),
                        inFlight == null ? 0 : (int) inFlight.value()));
            }
            return out;
        };
    }
}
