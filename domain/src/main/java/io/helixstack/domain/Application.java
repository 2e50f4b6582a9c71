package io.helixstack.domain;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One deployable unit (one repository or folder).
 *
 * @param currentBackend where its instances run: {@code local} (processes) today; {@code k3s} after an upgrade
 * @param healthPath     the path the health check requests before a deployment takes traffic
 */
public record Application(UUID id, UUID projectId, AppName name, String gitRepository, String gitBranch,
                          String currentBackend, String healthPath, Instant createdAt) {
    public Application {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(projectId, "projectId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(currentBackend, "currentBackend");
        Objects.requireNonNull(healthPath, "healthPath");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
