package io.helixstack.plugin.api;

import java.util.Objects;

/**
 * What HelixStack tells a forge about one commit: a deployment of it is under way, live at a URL, or failed.
 *
 * @param repository  the repository's URL as linked ({@code https://github.com/acme/shop.git}, {@code git@…})
 * @param sha         the full commit sha
 * @param context     which check this is, stable across updates (e.g. {@code helixstack/production}, {@code helixstack/preview})
 * @param targetUrl   where the deployment answers (or its log), shown as the status's link; may be null
 * @param description one short line for humans (forges cut it at about 140 characters)
 * @param accessToken the token the forge's API accepts for this repository; never logged or put in an exception message
 */
public record CommitStatus(String repository, String sha, State state, String context, String targetUrl, String description,
                           String accessToken) {
    public enum State { PENDING, SUCCESS, FAILURE }

    public CommitStatus {
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(sha, "sha");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(accessToken, "accessToken");
    }

    @Override
    public String toString() {
        return "CommitStatus[" + repository + "@" + sha + " " + state + " " + context + " -> " + targetUrl + ", token=***]";
    }
}
