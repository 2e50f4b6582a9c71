package io.helixstack.control;

import io.helixstack.domain.Deployment;
import io.helixstack.plugin.api.Endpoint;
import io.helixstack.plugin.api.Instance;
import io.helixstack.plugin.api.Route;
import io.helixstack.plugin.api.RouteTable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * What is being served right now: each deployment that can take traffic (its instances, or its static files) and which
 * one is live per application. The route table is derived from it, never edited by hand. Guarded by the orchestrator's
 * lock; not thread-safe on its own.
 */
final class ServingState {
    /** A deployment that can take traffic. */
    record Served(UUID deploymentId, String app, List<Instance> instances, Route route) {
        List<Endpoint> endpoints() {
            return instances.stream().map(Instance::endpoint).toList();
        }
    }

    private final Map<UUID, Served> served = new HashMap<>();
    /** The live deployment of each (application, environment). */
    private final Map<Env, UUID> live = new HashMap<>();

    record Env(String app, String environment) {
    }

    void put(Served s) {
        served.put(s.deploymentId(), s);
    }

    Optional<Served> remove(UUID deploymentId) {
        return Optional.ofNullable(served.remove(deploymentId));
    }

    Optional<Served> get(UUID deploymentId) {
        return Optional.ofNullable(served.get(deploymentId));
    }

    /** @return the deployment that was live in the app's environment before */
    Optional<UUID> makeLive(String app, String environment, UUID deploymentId) {
        return Optional.ofNullable(live.put(new Env(app, environment), deploymentId));
    }

    Optional<UUID> live(String app, String environment) {
        return Optional.ofNullable(live.get(new Env(app, environment)));
    }

    /** The environment serves nothing any more; @return what it served */
    Optional<UUID> removeLive(String app, String environment) {
        return Optional.ofNullable(live.remove(new Env(app, environment)));
    }

    List<Served> all() {
        return List.copyOf(served.values());
    }

    /** Environment hosts (production, previews) point at their live deployments; every served deployment also answers on its own {@code d-} host. */
    RouteTable routeTable(ControlConfig config) {
        Map<String, Route> routes = new HashMap<>();
        for (Served s : served.values()) {
            routes.put(config.deploymentHost(s.app(), Deployment.shortId(s.deploymentId())), s.route());
        }
        live.forEach((env, id) -> {
            Served s = served.get(id);
            if (s != null) {
                routes.put(config.environmentHost(env.app(), env.environment()), s.route());
            }
        });
        return RouteTable.of(routes);
    }
}
