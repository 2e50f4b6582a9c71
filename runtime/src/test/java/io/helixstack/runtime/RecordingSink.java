package io.helixstack.runtime;

import io.helixstack.plugin.api.LogRecord;
import io.helixstack.plugin.api.ObservabilitySink;
import java.util.ArrayList;
import java.util.List;

/** Keeps every record; thread-safe, since the driver calls it from its output pumps. */
final class RecordingSink implements ObservabilitySink {
    private final List<LogRecord> records = new ArrayList<>();

    @Override
    public synchronized void ingestLogs(List<LogRecord> batch) {
        records.addAll(batch);
    }

    synchronized List<LogRecord> records() {
        return List.copyOf(records);
    }

    /** The lines of one instance and stream, in arrival order. */
    List<String> lines(String instanceId, String stream) {
        return records().stream().filter(r -> r.source().equals(instanceId) && r.stream().equals(stream))
                .map(LogRecord::line).toList();
    }
}
