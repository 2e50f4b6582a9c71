package io.helixstack.plugin.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/** Where the proxy sends requests for one host. */
public sealed interface Route {
    UUID deploymentId();

    String app();

    /** Proxied to running instances, balanced round-robin. */
    record Upstreams(UUID deploymentId, String app, List<Endpoint> endpoints) implements Route {
        public Upstreams {
            Objects.requireNonNull(deploymentId, "deploymentId");
            Objects.requireNonNull(app, "app");
            endpoints = List.copyOf(endpoints);
            if (endpoints.isEmpty()) {
                throw new IllegalArgumentException("an upstream route needs at least one endpoint");
            }
        }
    }

    /** Files served by the proxy itself from {@code root}; unknown paths fall back to {@code /index.html} if {@code spaFallback}. */
    record Static(UUID deploymentId, String app, Path root, boolean spaFallback) implements Route {
        public Static {
            Objects.requireNonNull(deploymentId, "deploymentId");
            Objects.requireNonNull(app, "app");
            Objects.requireNonNull(root, "root");
        }
    }
}
