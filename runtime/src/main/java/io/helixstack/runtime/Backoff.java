package io.helixstack.runtime;

import java.time.Duration;

/**
 * How long the supervisor waits before starting a crashed instance again: 1s, 2s, 4s… up to 30s for consecutive crashes;
 * an instance that ran at least 60s before crashing starts over at 1s, so an app that crashes once a day is not
 * punished for yesterday's crash.
 *
 * @param crashes consecutive quick crashes so far, counting the last one (0 before any crash)
 */
record Backoff(int crashes) {
    static final Duration FIRST = Duration.ofSeconds(1);
    static final Duration MAX = Duration.ofSeconds(30);
    static final Duration RESET_AFTER = Duration.ofSeconds(60);

    Backoff {
        if (crashes < 0) {
            throw new IllegalArgumentException("crashes: " + crashes + " (expected: >= 0)");
        }
    }

    static Backoff none() {
        return new Backoff(0);
    }

    /** The state after one more crash of a run that lasted {@code ranFor}. */
    Backoff afterCrash(Duration ranFor) {
        return new Backoff(ranFor.compareTo(RESET_AFTER) >= 0 ? 1 : crashes + 1);
    }

    /** The wait before the next start. */
    Duration delay() {
        if (crashes == 0) {
            return Duration.ZERO;
        }
        // Capped shift: 1s << 5 is already past MAX, and a large shift would overflow.
        Duration delay = FIRST.multipliedBy(1L << Math.min(crashes - 1, 10));
        return delay.compareTo(MAX) > 0 ? MAX : delay;
    }
}
