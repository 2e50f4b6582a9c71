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
public final class RuntimeTargets implements AutoCloseable {
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

    /** From now on the application's instances run on {@code target}; a cluster driver it replaces is closed. */
    public void move(UUID applicationId, Target target) {
        Target previous = byApplication.put(applicationId, target);
        if (previous != null && previous.driver() != target.driver() && previous.driver() != local.driver() && !inUse(previous.driver())) {
            previous.driver().close();
        }
    }

    private boolean inUse(RuntimeDriver driver) {
        return byApplication.values().stream().anyMatch(t -> t.driver() == driver);
    }

    /** Closes the clusters' drivers (their clients); the local runtime is the server's to close. Pods keep running. */
    @Override
    public void close() {
        byApplication.values().stream().map(Target::driver).filter(d -> d != local.driver()).distinct().forEach(RuntimeDriver::close);
        byApplication.clear();
    }
}
