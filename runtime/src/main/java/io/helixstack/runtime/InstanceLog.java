package io.helixstack.runtime;

import io.helixstack.plugin.api.LogRecord;
import io.helixstack.plugin.api.ObservabilitySink;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log of one instance: every line goes to the sink and into a bounded ring of the most recent lines, which backs
 * {@code collectLogs}. Lines outlive restarts of the instance, so the ring shows why it crashed.
 */
final class InstanceLog {
    static final String STDOUT = "stdout";
    static final String STDERR = "stderr";
    static final String SYSTEM = "system";
    /** Longer lines are cut into pieces, so an app writing without newlines cannot make the platform buffer unboundedly. */
    static final int MAX_LINE_CHARS = 8192;

    private static final Logger log = LoggerFactory.getLogger(InstanceLog.class);

    private final UUID deploymentId;
    private final String instanceId;
    private final ObservabilitySink sink;
    private final Clock clock;
    private final int capacity;
    private final Deque<LogRecord> ring = new ArrayDeque<>();

    InstanceLog(UUID deploymentId, String instanceId, ObservabilitySink sink, Clock clock, int capacity) {
        this.deploymentId = deploymentId;
        this.instanceId = instanceId;
        this.sink = sink;
        this.clock = clock;
        this.capacity = capacity;
    }

    void system(String line) {
        append(SYSTEM, line);
    }

    void append(String stream, String line) {
        LogRecord record;
        synchronized (ring) {
            // Stamped under the lock: stdout and stderr are pumped by two threads, and the ring must stay in time order.
            record = new LogRecord(clock.instant(), deploymentId, instanceId, stream, line);
            ring.addLast(record);
            if (ring.size() > capacity) {
                ring.removeFirst();
            }
        }
        try {
            sink.ingestLogs(List.of(record));
        } catch (RuntimeException e) {
            // A failing sink must not stop the pump: the app would block on a full pipe.
            log.atWarn().addKeyValue("instance", instanceId).setCause(e).log("Log sink failed");
        }
    }

    /** Oldest first, at most {@code limit}. */
    List<LogRecord> last(int limit) {
        synchronized (ring) {
            List<LogRecord> all = new ArrayList<>(ring);
            return List.copyOf(all.subList(Math.max(0, all.size() - Math.max(0, limit)), all.size()));
        }
    }

    /** Reads {@code in} line by line into this log until end of stream; runs on its own (virtual) thread. */
    void pump(InputStream in, String stream) {
        try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            StringBuilder line = new StringBuilder();
            char[] buffer = new char[4096];
            int read;
            while ((read = reader.read(buffer)) != -1) {
                for (int i = 0; i < read; i++) {
                    char c = buffer[i];
                    if (c == '\n') {
                        emit(stream, line);
                    } else {
                        line.append(c);
                        if (line.length() >= MAX_LINE_CHARS) {
                            emit(stream, line);
                        }
                    }
                }
            }
            if (!line.isEmpty()) {
                emit(stream, line);
            }
        } catch (IOException e) {
            // The stream closes under us when the process is killed; nothing was lost that could have been read.
            log.atDebug().addKeyValue("instance", instanceId).addKeyValue("stream", stream).log("Output stream closed: {}",
                    e.getMessage());
        }
    }

    private void emit(String stream, StringBuilder line) {
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\r') {
            end--;
        }
        append(stream, line.substring(0, end));
        line.setLength(0);
    }
}
