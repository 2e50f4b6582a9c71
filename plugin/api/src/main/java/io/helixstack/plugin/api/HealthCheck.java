package io.helixstack.plugin.api;

import java.time.Duration;
import java.util.Objects;

/** How readiness is decided: an HTTP GET of {@code path} answering 2xx/3xx within {@code timeout} overall. */
public record HealthCheck(String path, Duration timeout) {
    public static final String DEFAULT_PATH = "/";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    public HealthCheck {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(timeout, "timeout");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("health check path: \"" + path + "\" (expected: starting with /)");
        }
    }

    public static HealthCheck defaults() {
        return new HealthCheck(DEFAULT_PATH, DEFAULT_TIMEOUT);
    }
}
