package io.helixstack.cli;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An application as the API returns it. {@code json} is the object exactly as received, so {@code --json} prints
 * what the server said, including fields this CLI does not know yet.
 */
record Application(String id, String name, String url, String liveDeploymentId, JsonNode json) {
    static Application of(JsonNode node) {
        return new Application(Json.text(node, "id"), Json.text(node, "name"), Json.text(node, "url"),
                Json.text(node, "live_deployment_id"), node);
    }
}
