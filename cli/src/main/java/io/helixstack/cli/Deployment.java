package io.helixstack.cli;

import java.time.Instant;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A deployment as the API returns it; {@code json} is kept verbatim for {@code --json}.
 *
 * @param updatedAt kept as the server's text: restart compares it for change, never does arithmetic on it
 */
record Deployment(String id, String app, String label, String state, String source, String url, String failureReason,
                  Instant createdAt, String updatedAt, JsonNode json) {
    static final String LIVE = "live";
    static final String FAILED = "failed";

    static Deployment of(JsonNode node) {
        String id = Json.text(node, "id");
        String label = Json.text(node, "label");
        if (label == null) {
            label = node.has("number") ? "main/" + Json.number(node, "number", 0) : shortId(id);
        }
        return new Deployment(id, Json.text(node, "app"), label, String.valueOf(Json.text(node, "state")),
                describeSource(node), Json.text(node, "url"), Json.text(node, "failure_reason"),
                instant(Json.text(node, "created_at")), Json.text(node, "updated_at"), node);
    }

    /** The first 8 hex digits of the id: what the server puts in {@code d-<short-id>} URLs and accepts for rollback. */
    String shortId() {
        return shortId(id);
    }

    static String shortId(String id) {
        if (id == null) {
            return "?";
        }
        String hex = id.replace("-", "");
        return hex.length() > 8 ? hex.substring(0, 8) : hex;
    }

    boolean isLive() {
        return LIVE.equals(state);
    }

    boolean isFailed() {
        return FAILED.equals(state);
    }

    /** No worker acts on it any more (mirrors the server's DeploymentState.isSettled). */
    boolean isSettled() {
        return switch (state) {
            case "live", "superseded", "rolled_back", "failed" -> true;
            default -> false;
        };
    }

    /** One line for humans: the server's {@code source_description} when it sends one. */
    private static String describeSource(JsonNode node) {
        String description = Json.text(node, "source_description");
        if (description != null) {
            return description;
        }
        JsonNode source = node.get("source");
        if (source == null || !source.isObject()) {
            return Json.text(node, "trigger");
        }
        if ("git".equals(Json.text(source, "type"))) {
            String sha = Json.text(source, "sha");
            return Json.text(source, "url") + "@" + Json.text(source, "ref")
                    + (sha == null ? "" : " (" + sha.substring(0, Math.min(7, sha.length())) + ")");
        }
        String digest = String.valueOf(Json.text(source, "digest"));
        return "upload " + digest.substring(0, Math.min(19, digest.length()));
    }

    private static Instant instant(String text) {
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
