package io.helixstack.plugin.tck;

import io.helixstack.plugin.api.LogRecord;
import io.helixstack.plugin.api.MetricPoint;
import io.helixstack.plugin.api.ObservabilitySink;
import java.util.List;
import java.util.UUID;

class InMemoryObservabilitySinkContractTest extends ObservabilitySinkContract {
    private InMemoryObservabilitySink sink;

    @Override
    protected ObservabilitySink createSink() {
        sink = new InMemoryObservabilitySink();
        return sink;
    }

    @Override
    protected UUID createDeployment() {
        return UUID.randomUUID();
    }

    @Override
    protected String app() {
        return "contract";
    }

    @Override
    protected List<LogRecord> receivedLogs() {
        return sink.records();
    }

    @Override
    protected List<MetricPoint> receivedMetrics() {
        return sink.points();
    }
}
