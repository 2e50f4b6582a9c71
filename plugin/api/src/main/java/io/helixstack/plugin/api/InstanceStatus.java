package io.helixstack.plugin.api;

/** What an instance is doing now. */
public enum InstanceStatus {
    /** Started, not yet known to be ready. */
    STARTING,
    /** Answered its health check. */
    RUNNING,
    /** Exited unexpectedly; the supervisor will start it again after a backoff. */
    CRASHED,
    /** Stopped on purpose (cleanup) or given up on. */
    STOPPED
}
