package io.helixstack.domain;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * An artifact placed (or being placed) in an environment. Numbered per environment: production's are labelled
 * {@code main/<n>}.
 *
 * @param trigger what asked for it: {@code upload}, {@code git}
 */
public record Deployment(UUID id, UUID applicationId, String app, UUID environmentId, String environment, int number,
                         DeploymentState state, Source source, String trigger, String artifactDigest, String failureReason,
                         Instant createdAt, Instant updatedAt) {
    public Deployment {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(environmentId, "environmentId");
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(trigger, "trigger");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    public static final String PRODUCTION = "production";

    /** {@code main/<n>} for production, {@code <environment>/<n>} otherwise. */
    public String label() {
        return (PRODUCTION.equals(environment) ? "main" : environment) + "/" + number;
    }

    /** The first 8 hex digits of the id: the {@code d-<short-id>} host label. */
    public String shortId() {
        return shortId(id);
    }

    public static String shortId(UUID id) {
        return id.toString().substring(0, 8);
    }
}
