package io.helixstack.plugin.api;

import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * What an upgrade asks a {@link Provider} for.
 *
 * @param region    where the machines should be (a provider's region name), or null for the provider's default
 * @param nodeCount how many nodes; adopted clusters keep their own
 * @param settings  as returned by {@link Provider#register}
 */
public record ClusterRequest(UUID upgradeId, String app, String region, int nodeCount, String nodeSize, Map<String, String> settings) {
    public ClusterRequest {
        Objects.requireNonNull(upgradeId, "upgradeId");
        Objects.requireNonNull(app, "app");
        settings = Map.copyOf(settings);
        if (nodeCount < 1 || nodeCount > 100) {
            throw new IllegalArgumentException("node_count: " + nodeCount + " (expected: 1-100)");
        }
    }
}
