package io.helixstack.domain;

import java.util.Locale;

/**
 * The deployment lifecycle:
 * <pre>
 * queued -> building -> built -> deploying -> live -> superseded
 *              |                    |          +-> rolled_back (another deployment re-promoted)
 *              v                    v
 *            failed              failed (health gate never passed: production untouched)
 * </pre>
 * A superseded or rolled-back deployment keeps its artifact and can be promoted again (rollback), which
 * takes it back through {@code deploying}.
 */
public enum DeploymentState {
    QUEUED, BUILDING, BUILT, DEPLOYING, LIVE, SUPERSEDED, ROLLED_BACK, FAILED;

    /** The lower-case name used on the API and in the database. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static DeploymentState fromWire(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }

    /** A state no worker is acting on: nothing more happens unless a user asks (rollback, restart). */
    public boolean isSettled() {
        return this == LIVE || this == SUPERSEDED || this == ROLLED_BACK || this == FAILED;
    }

    /** Once built, a deployment has an artifact that can be (re-)promoted without a build. */
    public boolean hasArtifact() {
        return this == BUILT || this == DEPLOYING || this == LIVE || this == SUPERSEDED || this == ROLLED_BACK;
    }
}
