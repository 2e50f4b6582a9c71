package io.helixstack.observability;

import io.helixstack.plugin.api.LogRecord;
import io.helixstack.plugin.api.MetricPoint;
import io.helixstack.plugin.api.ObservabilitySink;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.BatchLogRecordProcessor;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.Data;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.GaugeData;
import io.opentelemetry.sdk.metrics.data.HistogramData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.data.SumData;
import io.opentelemetry.sdk.resources.Resource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * Sends logs and metrics to an OpenTelemetry collector over OTLP/HTTP (protobuf), with the OpenTelemetry SDK's
 * exporters: log lines through a batching log processor, metric points as they come (they are already aggregated per
 * sampling interval, so they are exported as delta sums, gauges and explicit-bucket histograms).
 *
 * <p>Every record carries {@code helix.deployment.id}; metrics also {@code helix.app}; log lines {@code helix.source}
 * (instance id, {@code build} or {@code platform}) and {@code helix.stream}. The resource is {@code service.name=helixstack}.
 */
public final class OtlpSink implements ObservabilitySink {
    static final AttributeKey<String> DEPLOYMENT = AttributeKey.stringKey("helix.deployment.id");
    static final AttributeKey<String> APP = AttributeKey.stringKey("helix.app");
    static final AttributeKey<String> SOURCE = AttributeKey.stringKey("helix.source");
    static final AttributeKey<String> STREAM = AttributeKey.stringKey("helix.stream");
    private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(10);
    private static final org.slf4j.Logger log = LoggerFactory.getLogger(OtlpSink.class);

    private final Resource resource = Resource.getDefault().merge(Resource.create(Attributes.of(
            AttributeKey.stringKey("service.name"), "helixstack")));
    private final InstrumentationScopeInfo scope = InstrumentationScopeInfo.builder("io.helixstack").build();
    private final SdkLoggerProvider loggers;
    private final Logger logger;
    private final OtlpHttpMetricExporter metrics;
    private final ConcurrentLinkedQueue<CompletableResultCode> pendingMetrics = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    /** @param endpoint the collector's OTLP/HTTP base URL, e.g. {@code http://127.0.0.1:4318} ({@code /v1/logs} etc. are added) */
    public OtlpSink(String endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        String base = endpoint.replaceAll("/+$", "");
        OtlpHttpLogRecordExporter logExporter = OtlpHttpLogRecordExporter.builder().setEndpoint(base + "/v1/logs").build();
        this.loggers = SdkLoggerProvider.builder().setResource(resource)
                .addLogRecordProcessor(BatchLogRecordProcessor.builder(logExporter)
                        .setScheduleDelay(Duration.ofMillis(500)).setMaxQueueSize(100_000).setMaxExportBatchSize(1000).build())
                .build();
        this.logger = loggers.get("io.helixstack");
        this.metrics = OtlpHttpMetricExporter.builder().setEndpoint(base + "/v1/metrics")
                .setAggregationTemporalitySelector(type -> AggregationTemporality.DELTA).build();
    }

    @Override
    public void ingestLogs(List<LogRecord> records) {
        if (closed) {
            return;
        }
        for (LogRecord r : records) {
            logger.logRecordBuilder()
                    .setTimestamp(r.at())
                    .setBody(r.line())
                    .setAllAttributes(Attributes.of(DEPLOYMENT, r.deploymentId().toString(), SOURCE, r.source(), STREAM, r.stream()))
                    .emit();
        }
    }

    @Override
    public void ingestMetrics(List<MetricPoint> points) {
        if (closed || points.isEmpty()) {
            return;
        }
        List<MetricData> data = new ArrayList<>(points.size());
        for (MetricPoint p : points) {
            data.add(metric(p));
        }
        CompletableResultCode result = metrics.export(data);
        pendingMetrics.add(result);
        result.whenComplete(() -> {
            pendingMetrics.remove(result);
            if (!result.isSuccess()) {
                log.atWarn().addKeyValue("points", points.size()).log("OTLP metrics export failed");
            }
        });
    }

    @Override
    public void flush() {
        List<CompletableResultCode> waits = new ArrayList<>(pendingMetrics);
        waits.add(loggers.forceFlush());
        waits.add(metrics.flush());
        CompletableResultCode.ofAll(waits).join(FLUSH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        flush();
        closed = true;
        loggers.shutdown().join(FLUSH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        metrics.shutdown().join(FLUSH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private MetricData metric(MetricPoint p) {
        AttributesBuilder attributes = Attributes.builder().put(APP, p.app()).put(DEPLOYMENT, p.deploymentId().toString());
        p.attributes().forEach(attributes::put);
        Attributes attrs = attributes.build();
        long start = nanos(p.start());
        long at = nanos(p.at());
        return switch (p.kind()) {
            case COUNTER -> new Metric(resource, scope, p.name(), p.unit(), MetricDataType.DOUBLE_SUM,
                    SumData.createDoubleSumData(true, AggregationTemporality.DELTA,
                            List.of(DoublePointData.create(start, at, attrs, p.value(), List.of()))));
            case GAUGE -> new Metric(resource, scope, p.name(), p.unit(), MetricDataType.DOUBLE_GAUGE,
                    GaugeData.createDoubleGaugeData(List.of(DoublePointData.create(start, at, attrs, p.value(), List.of()))));
            case HISTOGRAM -> new Metric(resource, scope, p.name(), p.unit(), MetricDataType.HISTOGRAM,
                    HistogramData.create(AggregationTemporality.DELTA, List.of(HistogramPointData.create(start, at, attrs,
                            p.value(), false, 0, false, 0, p.bounds(), p.counts()))));
        };
    }

    private static long nanos(Instant t) {
        return TimeUnit.SECONDS.toNanos(t.getEpochSecond()) + t.getNano();
    }

    /** One already-aggregated metric, built from the SDK's public data types. */
    private record Metric(Resource resource, InstrumentationScopeInfo scope, String name, String unit, MetricDataType type,
                          Data<?> data) implements MetricData {
        @Override
        public Resource getResource() {
            return resource;
        }

        @Override
        public InstrumentationScopeInfo getInstrumentationScopeInfo() {
            return scope;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public String getDescription() {
            return "";
        }

        @Override
        public String getUnit() {
            return unit;
        }

        @Override
        public MetricDataType getType() {
            return type;
        }

        @Override
        public Data<?> getData() {
            return data;
        }
    }

}
