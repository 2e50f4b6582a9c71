package io.helixstack.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.helixstack.plugin.api.LogRecord;
import io.helixstack.plugin.api.MetricPoint;
import io.helixstack.plugin.api.ObservabilitySink;
import io.helixstack.plugin.tck.ObservabilitySinkContract;
import java.io.IOException;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The OTLP sink meets the sink contract, read back by a local OTLP/HTTP receiver that decodes the protobuf payloads. */
class OtlpSinkContractTest extends ObservabilitySinkContract {
    /** One receiver for the class: the suite closes each sink after this class's own after-each methods ran. */
    private static OtlpReceiver receiver;

    @BeforeAll
    static void startReceiver() throws IOException {
        receiver = new OtlpReceiver();
    }

    @AfterAll
    static void stopReceiver() {
        assertThat(receiver.problems()).as("requests a collector would refuse").isEmpty();
        receiver.close();
    }

    @Override
    protected ObservabilitySink createSink() {
        assertThat(receiver.problems()).as("requests a collector would refuse").isEmpty();
        receiver.clear();
        return new OtlpSink(receiver.endpoint());
    }

    @Override
    protected UUID createDeployment() {
        return UUID.randomUUID();
    }

    @Override
    protected String app() {
        return "otlp-app";
    }

    @Override
    protected List<LogRecord> receivedLogs() {
        return receiver.logs();
    }

    @Override
    protected List<MetricPoint> receivedMetrics() {
        return receiver.metrics();
    }
}
