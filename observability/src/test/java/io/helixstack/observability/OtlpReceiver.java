package io.helixstack.observability;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.helixstack.plugin.api.LogRecord;
import io.helixstack.plugin.api.MetricPoint;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A stand-in OpenTelemetry collector: an OTLP/HTTP endpoint on 127.0.0.1 that decodes the protobuf requests with the
 * OTLP schema and keeps what they carried, converted back to HelixStack's records. It insists on what a collector
 * insists on: POST, {@code application/x-protobuf}, the resource's {@code service.name}, delta temporality.
 */
final class OtlpReceiver implements AutoCloseable {
    private final HttpServer server;
    private final List<LogRecord> logs = new ArrayList<>();
    private final List<MetricPoint> metrics = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    OtlpReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/logs", this::logs);
        server.createContext("/v1/metrics", this::metrics);
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    synchronized List<LogRecord> logs() {
        return List.copyOf(logs);
    }

    synchronized List<MetricPoint> metrics() {
        return List.copyOf(metrics);
    }

    synchronized void clear() {
        logs.clear();
        metrics.clear();
    }

    /** Requests that a collector would have refused; a test expects none. */
    synchronized List<String> problems() {
        return List.copyOf(problems);
    }

    private void logs(HttpExchange exchange) throws IOException {
        try (exchange; InputStream body = exchange.getRequestBody()) {
            if (!acceptable(exchange)) {
                return;
            }
            ExportLogsServiceRequest request = ExportLogsServiceRequest.parseFrom(body);
            synchronized (this) {
                for (var resourceLogs : request.getResourceLogsList()) {
                    checkResource(attributes(resourceLogs.getResource().getAttributesList()));
                    for (var scopeLogs : resourceLogs.getScopeLogsList()) {
                        for (var r : scopeLogs.getLogRecordsList()) {
                            Map<String, String> a = attributes(r.getAttributesList());
                            logs.add(new LogRecord(instant(r.getTimeUnixNano()), UUID.fromString(a.get("helix.deployment.id")),
                                    a.get("helix.source"), a.get("helix.stream"), r.getBody().getStringValue()));
                        }
                    }
                }
            }
            answer(exchange, ExportLogsServiceResponse.getDefaultInstance().toByteArray());
        }
    }

    private void metrics(HttpExchange exchange) throws IOException {
        try (exchange; InputStream body = exchange.getRequestBody()) {
            if (!acceptable(exchange)) {
                return;
            }
            ExportMetricsServiceRequest request = ExportMetricsServiceRequest.parseFrom(body);
            synchronized (this) {
                for (var resourceMetrics : request.getResourceMetricsList()) {
                    checkResource(attributes(resourceMetrics.getResource().getAttributesList()));
                    for (var scopeMetrics : resourceMetrics.getScopeMetricsList()) {
                        scopeMetrics.getMetricsList().forEach(this::metric);
                    }
                }
            }
            answer(exchange, ExportMetricsServiceResponse.getDefaultInstance().toByteArray());
        }
    }

    private void metric(Metric m) {
        switch (m.getDataCase()) {
            case SUM -> {
                if (m.getSum().getAggregationTemporality() != AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA
                        || !m.getSum().getIsMonotonic()) {
                    problems.add(m.getName() + ": a counter must be a monotonic delta sum");
                }
                for (NumberDataPoint p : m.getSum().getDataPointsList()) {
                    Map<String, String> a = attributes(p.getAttributesList());
                    metrics.add(MetricPoint.counter(m.getName(), m.getUnit(), a.remove("helix.app"),
                            UUID.fromString(a.remove("helix.deployment.id")), a, instant(p.getStartTimeUnixNano()),
                            instant(p.getTimeUnixNano()), p.getAsDouble()));
                }
            }
            case GAUGE -> {
                for (NumberDataPoint p : m.getGauge().getDataPointsList()) {
                    Map<String, String> a = attributes(p.getAttributesList());
                    metrics.add(MetricPoint.gauge(m.getName(), m.getUnit(), a.remove("helix.app"),
                            UUID.fromString(a.remove("helix.deployment.id")), a, instant(p.getTimeUnixNano()), p.getAsDouble()));
                }
            }
            case HISTOGRAM -> {
                if (m.getHistogram().getAggregationTemporality() != AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA) {
                    problems.add(m.getName() + ": a histogram must be a delta");
                }
                for (var p : m.getHistogram().getDataPointsList()) {
                    Map<String, String> a = attributes(p.getAttributesList());
                    long count = p.getBucketCountsList().stream().mapToLong(Long::longValue).sum();
                    if (count != p.getCount()) {
                        problems.add(m.getName() + ": count " + p.getCount() + " is not the sum of the buckets " + count);
                    }
                    metrics.add(MetricPoint.histogram(m.getName(), m.getUnit(), a.remove("helix.app"),
                            UUID.fromString(a.remove("helix.deployment.id")), a, instant(p.getStartTimeUnixNano()),
                            instant(p.getTimeUnixNano()), p.getSum(), p.getExplicitBoundsList(), p.getBucketCountsList()));
                }
            }
            default -> problems.add(m.getName() + ": unexpected data " + m.getDataCase());
        }
    }

    private boolean acceptable(HttpExchange exchange) throws IOException {
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        if (!"POST".equals(exchange.getRequestMethod()) || !"application/x-protobuf".equals(type)) {
            synchronized (this) {
                problems.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " with Content-Type " + type);
            }
            exchange.sendResponseHeaders(415, -1);
            return false;
        }
        return true;
    }

    private void checkResource(Map<String, String> resource) {
        if (!"helixstack".equals(resource.get("service.name"))) {
            problems.add("resource without service.name=helixstack: " + resource);
        }
    }

    private static void answer(HttpExchange exchange, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
    }

    private static Map<String, String> attributes(List<KeyValue> kvs) {
        Map<String, String> out = new HashMap<>();
        kvs.forEach(kv -> out.put(kv.getKey(), kv.getValue().getStringValue()));
        return out;
    }

    private static Instant instant(long unixNanos) {
        return Instant.ofEpochSecond(0, unixNanos);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
