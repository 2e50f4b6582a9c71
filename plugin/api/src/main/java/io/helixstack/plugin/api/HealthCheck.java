package io.helixstack.plugin.api;

import java.time.Duration;
import java.util.Objects;

/**
 * How readiness is decided: an HTTP GET of {@code path} answering 2xx/3xx within {@code timeout} overall; or, for a worker
 * that listens on nothing ({@code path} null, see {@link #processUp}), its process staying up for {@code timeout}.
 */
public record HealthCheck(String path, Duration timeout) {
    public static final String DEFAULT_PATH = "/";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    public HealthCheck {
        Objects.requireNonNull(timeout, "timeout");
        if (path != null && !path.startsWith("/")) {
            throw new IllegalArgumentException("health check path: \"" + path + "\" (expected: starting with /)");
        }
    }

    /** No HTTP check: ready once the process has run for {@code settle} without exiting (workers). */
    public static HealthCheck processUp(Duration settle) {
        return new HealthCheck(null, settle);
    }

    /** Whether readiness is an HTTP GET; false for {@link #processUp}. */
    public boolean http() {
        return path != null;
    }

    public static HealthCheck defaults() {
        return new HealthCheck(DEFAULT_PATH, DEFAULT_TIMEOUT);
    }
}
