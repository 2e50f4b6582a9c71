package io.helixstack.plugin.api;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One log line.
 *
 * @param at           when it was written
 * @param deploymentId the deployment it belongs to
 * @param source       {@code build}, an instance id, or {@code platform} for the platform's own notes
 * @param stream       {@code stdout}, {@code stderr} or {@code system}
 * @param line         the text, without the line terminator
 */
public record LogRecord(Instant at, UUID deploymentId, String source, String stream, String line) {
    public LogRecord {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(deploymentId, "deploymentId");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(line, "line");
    }
}
