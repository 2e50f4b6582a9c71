package io.helixstack.plugin.api;

/** Whether an instance became ready. */
public sealed interface Readiness {
    record Ready() implements Readiness {
    }

    /** {@code reason} says what was seen, e.g. "GET / answered 500 for 30s" or "process exited with code 1". */
    record NotReady(String reason) implements Readiness {
    }
}
