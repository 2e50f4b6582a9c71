package io.helixstack.plugin.tck;

import io.helixstack.plugin.api.LogRecord;
import io.helixstack.plugin.api.MetricPoint;
import io.helixstack.plugin.api.ObservabilitySink;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps every log record and metric point in memory, in arrival order; thread-safe, since drivers call it from their
 * own threads. After {@link #close()} it drops what it is given, like a real sink.
 */
public final class InMemoryObservabilitySink implements ObservabilitySink {
    private final List<LogRecord> records = new ArrayList<>();
    private final List<MetricPoint> points = new ArrayList<>();
    private boolean closed;

    @Override
    public synchronized void ingestLogs(List<LogRecord> batch) {
        if (!closed) {
            records.addAll(batch);
        }
    }

    @Override
    public synchronized void ingestMetrics(List<MetricPoint> batch) {
        if (!closed) {
            points.addAll(batch);
        }
    }

    @Override
    public void flush() {
        // Nothing is buffered.
    }

    @Override
    public synchronized void close() {
        closed = true;
    }

    public synchronized List<LogRecord> records() {
        return List.copyOf(records);
    }

    public synchronized List<MetricPoint> points() {
        return List.copyOf(points);
    }

    /** The lines of one source (an instance id, {@code build}, {@code platform}) and stream, in arrival order. */
    public List<String> lines(String source, String stream) {
        List<String> lines = new ArrayList<>();
        for (LogRecord r : records()) {
            if (r.source().equals(source) && r.stream().equals(stream)) {
                lines.add(r.line());
            }
        }
        return lines;
    }
}
