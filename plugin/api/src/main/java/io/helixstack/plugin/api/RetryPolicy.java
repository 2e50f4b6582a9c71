package io.helixstack.plugin.api;

import java.time.Duration;
import java.util.Objects;

/**
 * How often a failing event is retried: attempt {@code n} that fails waits {@code initialBackoff * 2^(n-1)}, capped at
 * {@code maxBackoff}, before the next; the {@code maxAttempts}-th failure makes it a {@link DeadLetter}.
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
    public static final int DEFAULT_MAX_ATTEMPTS = 5;
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofSeconds(1);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofMinutes(1);

    public RetryPolicy {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts: " + maxAttempts + " (expected: >= 1)");
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("backoff: " + initialBackoff + ".." + maxBackoff
                    + " (expected: 0 <= initialBackoff <= maxBackoff)");
        }
    }

    public static RetryPolicy defaults() {
        return new RetryPolicy(DEFAULT_MAX_ATTEMPTS, DEFAULT_INITIAL_BACKOFF, DEFAULT_MAX_BACKOFF);
    }

    /** The wait after failed attempt {@code attempt} (1-based). */
    public Duration backoff(int attempt) {
        int doublings = Math.min(Math.max(attempt - 1, 0), 30); // 2^30 of anything is past any sensible cap
        Duration d = initialBackoff.multipliedBy(1L << doublings);
        return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
    }

    /** Whether failed attempt {@code attempt} was the last one. */
    public boolean exhausted(int attempt) {
        return attempt >= maxAttempts;
    }
}
