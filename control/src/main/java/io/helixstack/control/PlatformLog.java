package io.helixstack.control;

import java.util.UUID;

/** Platform notes (promoted, rolled back, restart failed) written into an application's log stream beside its own lines. */
public interface PlatformLog {
    void note(UUID applicationId, UUID deploymentId, String line);

    /** Values (injected environment) that must never appear in the deployment's stored log lines. */
    void protect(UUID deploymentId, java.util.Collection<String> secretValues);
}
