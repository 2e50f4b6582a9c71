package io.helixstack.plugin.api;

import java.util.Objects;
import java.util.UUID;

/** A running copy of a service of a deployment. {@code id} is unique across the driver's lifetime. */
public record Instance(String id, UUID deploymentId, String app, String service, Endpoint endpoint) {
    public Instance {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(deploymentId, "deploymentId");
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(endpoint, "endpoint");
    }
}
