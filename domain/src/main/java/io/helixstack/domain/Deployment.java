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
    /** The environment whose variables every pull-request preview gets (it never has deployments of its own). */
    public static final String PREVIEW = "preview";
    private static final String PREVIEW_PREFIX = PREVIEW + "/";

    /** The environment of pull request {@code number}'s preview: {@code preview/<number>}. */
    public static String previewEnvironment(int pullRequest) {
        if (pullRequest < 1) {
            throw new InvalidInputException("pull request number: " + pullRequest + " (expected: 1 or more)");
        }
        return PREVIEW_PREFIX + pullRequest;
    }

    /** The pull request number of a {@code preview/<n>} environment, or 0 for any other environment. */
    public static int pullRequestOf(String environment) {
        if (environment == null || !environment.startsWith(PREVIEW_PREFIX)) {
            return 0;
        }
        try {
            return Integer.parseInt(environment.substring(PREVIEW_PREFIX.length()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    public boolean isPreview() {
        return pullRequestOf(environment) > 0;
    }

    /** {@code main/<n>} for production, {@code preview/<pr>} for a pull request's preview, {@code <environment>/<n>} otherwise. */
    public String label() {
        if (isPreview()) {
            return environment;
        }
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
