package io.helixstack.plugin.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * One measurement of one deployment over one interval, as the platform samples it (OpenTelemetry's data model, reduced to
 * what HelixStack records).
 *
 * <ul>
 *   <li>{@link Kind#COUNTER}: {@code value} is what was added during {@code [start, at)} (a delta, never negative);</li>
 *   <li>{@link Kind#GAUGE}: {@code value} is the reading at {@code at};</li>
 *   <li>{@link Kind#HISTOGRAM}: the observations of {@code [start, at)}: {@code counts[i]} fell at or below
 *       {@code bounds[i]} and above {@code bounds[i-1]}, the last count above every bound; {@code value} is their sum.</li>
 * </ul>
 *
 * @param name         dotted, e.g. {@code helix.proxy.request.duration}
 * @param unit         UCUM-style, e.g. {@code ms}, {@code By}, {@code s}, {@code 1}
 * @param app          the application's name
 * @param deploymentId the deployment measured
 * @param attributes   further dimensions with a bounded set of values (e.g. {@code status=2xx})
 */
public record MetricPoint(String name, Kind kind, String unit, String app, UUID deploymentId, Map<String, String> attributes,
                          Instant start, Instant at, double value, List<Double> bounds, List<Long> counts) {

    public enum Kind { COUNTER, GAUGE, HISTOGRAM }

    public MetricPoint {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(deploymentId, "deploymentId");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(at, "at");
        attributes = Map.copyOf(attributes);
        bounds = List.copyOf(bounds);
        counts = List.copyOf(counts);
        if (at.isBefore(start)) {
            throw new IllegalArgumentException(name + ": interval ends at " + at + " before it starts at " + start);
        }
        if (kind == Kind.HISTOGRAM ? counts.size() != bounds.size() + 1 : !bounds.isEmpty() || !counts.isEmpty()) {
            throw new IllegalArgumentException(name + ": " + bounds.size() + " bounds and " + counts.size()
                    + " counts (expected: a histogram has one count more than bounds; other kinds have neither)");
        }
        if (kind != Kind.GAUGE && value < 0) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: a counter or histogram delta is not negative)");
        }
    }

    public static MetricPoint counter(String name, String unit, String app, UUID deploymentId, Map<String, String> attributes,
                                      Instant start, Instant at, double delta) {
        return new MetricPoint(name, Kind.COUNTER, unit, app, deploymentId, attributes, start, at, delta, List.of(), List.of());
    }

    public static MetricPoint gauge(String name, String unit, String app, UUID deploymentId, Map<String, String> attributes,
                                    Instant at, double value) {
        return new MetricPoint(name, Kind.GAUGE, unit, app, deploymentId, attributes, at, at, value, List.of(), List.of());
    }

    public static MetricPoint histogram(String name, String unit, String app, UUID deploymentId, Map<String, String> attributes,
                                        Instant start, Instant at, double sum, List<Double> bounds, List<Long> counts) {
        return new MetricPoint(name, Kind.HISTOGRAM, unit, app, deploymentId, attributes, start, at, sum, bounds, counts);
    }

    /** The number of observations of a histogram. */
    public long count() {
        return counts.stream().mapToLong(Long::longValue).sum();
    }
}
