package io.helixstack.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.helixstack.plugin.api.LogRecord;
import io.helixstack.plugin.api.MetricPoint;
import io.helixstack.plugin.api.ObservabilitySink;
import io.helixstack.plugin.tck.InMemoryObservabilitySink;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class InstanceLogTest {
    private final InMemoryObservabilitySink sink = new InMemoryObservabilitySink();
    private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));

    @Test
    void keepsTheLastLinesOnlyAndSendsEveryLineToTheSink() {
        InstanceLog log = new InstanceLog(UUID.randomUUID(), "i-1", sink, clock, 3);

        for (int i = 1; i <= 5; i++) {
            log.append("stdout", "line " + i);
        }

        assertThat(log.last(10)).extracting(LogRecord::line).containsExactly("line 3", "line 4", "line 5");
        assertThat(log.last(2)).extracting(LogRecord::line).containsExactly("line 4", "line 5");
        assertThat(log.last(0)).isEmpty();
        assertThat(sink.lines("i-1", "stdout")).hasSize(5);
    }

    @Test
    void pumpSplitsLinesStripsCarriageReturnsAndCutsOverlongLines() {
        InstanceLog log = new InstanceLog(UUID.randomUUID(), "i-1", sink, clock, 100);
        String overlong = "x".repeat(InstanceLog.MAX_LINE_CHARS + 10);
        String text = "one\r\ntwo\n" + overlong + "\nlast without newline";

        log.pump(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "stderr");

        assertThat(sink.lines("i-1", "stderr")).containsExactly("one", "two", "x".repeat(InstanceLog.MAX_LINE_CHARS),
                "x".repeat(10), "last without newline");
    }

    @Test
    void aFailingSinkDoesNotStopTheLog() {
        FailingSink failing = new FailingSink();
        InstanceLog log = new InstanceLog(UUID.randomUUID(), "i-1", failing, clock, 10);

        log.pump(new ByteArrayInputStream("a\nb\n".getBytes(StandardCharsets.UTF_8)), "stdout");

        assertThat(log.last(10)).extracting(LogRecord::line).containsExactly("a", "b");
    }

    private static final class FailingSink implements ObservabilitySink {
        @Override
        public void ingestLogs(List<LogRecord> records) {
            throw new IllegalStateException("sink down");
        }

        @Override
        public void ingestMetrics(List<MetricPoint> points) {
            throw new IllegalStateException("sink down");
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
