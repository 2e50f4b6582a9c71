package io.helixstack.plugin.api;

import java.time.Duration;

/** How a {@link TaskSpec task} ended. */
public sealed interface TaskResult {
    /** Exited with code 0. */
    record Succeeded(Duration took) implements TaskResult {
    }

    /** Exited non-zero, could not start or ran out of time; {@code reason} says which, e.g. "exited with code 3". */
    record Failed(String reason) implements TaskResult {
    }
}
