package io.helixstack.plugin.api;

import java.util.List;

/** Receives telemetry (seed hooks {@code ingestLogs()}, {@code ingestMetrics()}; metrics arrive with the observe plane). */
public interface ObservabilitySink {
    /** Called from any thread; must not block for long. */
    void ingestLogs(List<LogRecord> records);
}
