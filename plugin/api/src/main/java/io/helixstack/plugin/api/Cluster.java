package io.helixstack.plugin.api;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A cluster a {@link Provider} provisioned or adopted.
 *
 * @param backend    what the application's {@code current_backend} becomes, e.g. {@code k3s} or {@code kubernetes}
 * @param ingress    where HTTP traffic for the apps enters the cluster (its ingress controller), for the built-in proxy to
 *                   forward to; empty when the instances' own endpoints are reachable
 * @param connection what {@link Provider#deploy} needs to reach it again after a restart (secret: stored encrypted)
 */
public record Cluster(String id, String provider, String backend, String region, Optional<Endpoint> ingress,
                      Map<String, String> connection) {
    public Cluster {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(ingress, "ingress");
        connection = Map.copyOf(connection);
    }
}
