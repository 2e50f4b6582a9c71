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

    private static final String BRANCH_PREFIX = "branch/";

    /**
     * The environment a pushed branch other than the production one deploys to: {@code branch/<name>}, the name made fit
     * for a host label (lowercase letters, digits and dashes, at most 40).
     */
    public static String branchEnvironment(String branch) {
        String label = branch.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (label.length() > 40) {
            label = label.substring(0, 40).replaceAll("-+$", "");
        }
        if (label.isEmpty()) {
            throw new InvalidInputException("branch \"" + branch + "\" (expected: a name with letters or digits)");
        }
        return BRANCH_PREFIX + label;
    }

    /** The host label of a {@code branch/<name>} environment, or null for any other. */
    public static String branchOf(String environment) {
        return environment != null && environment.startsWith(BRANCH_PREFIX) ? environment.substring(BRANCH_PREFIX.length()) : null;
    }

    /** Pull-request and branch previews get the {@code preview} environment's variables, never production's. */
    public boolean usesPreviewVariables() {
        return isPreview() || branchOf(environment) != null;
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
