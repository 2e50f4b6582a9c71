package io.helixstack.plugin.api;

import java.util.List;

/**
 * Receives telemetry (seed hooks {@code ingestLogs()}, {@code ingestMetrics()}): instances' log lines from the runtime
 * plane and the platform's per-deployment samples. Values HelixStack injected as secrets are masked before any sink
 * beyond the first one sees a line.
 *
 * <p>Calls come from any thread and must not block for long: a sink queues and writes in the background (it may make
 * the caller wait briefly while its queue is full, rather than lose records). Records
 * handed over before {@link #flush()} returns are written (or, for a remote sink, sent) once it returns.
 */
public interface ObservabilitySink extends AutoCloseable {
    void ingestLogs(List<LogRecord> records);

    void ingestMetrics(List<MetricPoint> points);

    /** Writes or sends everything ingested so far; returns when done or when the sink gave up on it. */
    void flush();

    /** Flushes, then releases the sink's resources; later ingests are dropped. */
    @Override
    void close();
}
