package io.helixstack.plugin.api;

import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * One instance to start.
 *
 * @param deploymentId the deployment it belongs to
 * @param app          application name
 * @param service      service name within the application ({@code web} for the spine)
 * @param artifact     what to run
 * @param command      the start command (Procfile syntax)
 * @param env          environment variables, {@code PORT} excepted: the driver chooses the port and sets it
 * @param health       how readiness is decided
 * @param resources    cpu and memory limits
 */
public record InstanceSpec(UUID deploymentId, String app, String service, Artifact artifact, String command,
                           Map<String, String> env, HealthCheck health, Resources resources) {
    /** The env variable naming the deployment's environment ({@code production}, {@code preview/7}, {@code branch/x}). */
    public static final String ENVIRONMENT = "HELIX_ENVIRONMENT";
    /**
     * The env variable holding the public host this service answers on, for targets that route themselves (a Kubernetes
     * Ingress); absent for workers.
     */
    public static final String ROUTE_HOST = "HELIX_ROUTE_HOST";

    public InstanceSpec {
        Objects.requireNonNull(deploymentId, "deploymentId");
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(artifact, "artifact");
        Objects.requireNonNull(command, "command");
        env = Map.copyOf(env);
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(resources, "resources");
    }

    /** An instance without cpu or memory limits. */
    public InstanceSpec(UUID deploymentId, String app, String service, Artifact artifact, String command,
                        Map<String, String> env, HealthCheck health) {
        this(deploymentId, app, service, artifact, command, env, health, Resources.NONE);
    }
}
