package io.helixstack.control;

import io.helixstack.plugin.api.Endpoint;
import io.helixstack.plugin.api.RuntimeDriver;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where each application's instances run: the platform's own runtime (processes on this machine) unless the application
 * was upgraded to a cluster, whose driver then takes its deployments, restarts and rollbacks.
 */
public final class RuntimeTargets {
    /**
     * A runtime and, for a cluster, where its ingress takes HTTP traffic: then the built-in proxy forwards the app's hosts
     * there instead of to the instances' own endpoints.
     */
    public record Target(RuntimeDriver driver, Optional<Endpoint> ingress) {
        public Target {
            Objects.requireNonNull(driver, "driver");
            Objects.requireNonNull(ingress, "ingress");
        }
    }

    private final Target local;
    private final Map<UUID, Target> byApplication = new ConcurrentHashMap<>();

    public RuntimeTargets(RuntimeDriver local) {
        this.local = new Target(local, Optional.empty());
    }

    public Target of(UUID applicationId) {
        return byApplication.getOrDefault(applicationId, local);
    }

    public Target local() {
        return local;
    }

    /** From now on the application's instances run on {@code target}. */
    public void move(UUID applicationId, Target target) {
        byApplication.put(applicationId, target);
    }
}
