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
    /** The key of the route on the app's own hosts in {@link Served#routes}; other keys are service names. */
    static final String PRIMARY = "";

    /**
     * A deployment that can take traffic.
     *
     * @param routes the primary route (the first http service, or the static files) under {@link #PRIMARY}, other http
     *               services under their names, answering at {@code <service>--<host>}; none for a workers-only app
     */
    record Served(UUID deploymentId, String app, List<Instance> instances, Map<String, Route> routes) {
        Served {
            instances = List.copyOf(instances);
            routes = Map.copyOf(routes);
        }

        Served(UUID deploymentId, String app, List<Instance> instances, Route route) {
            this(deploymentId, app, instances, Map.of(PRIMARY, route));
        }

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
            put(routes, config.deploymentHost(s.app(), Deployment.shortId(s.deploymentId())), s);
        }
        live.forEach((env, id) -> {
            Served s = served.get(id);
            if (s != null) {
                put(routes, config.environmentHost(env.app(), env.environment()), s);
            }
        });
        return RouteTable.of(routes);
    }

    private static void put(Map<String, Route> routes, String host, Served s) {
        s.routes().forEach((service, route) -> routes.put(service.equals(PRIMARY) ? host : service + "--" + host, route));
    }
}
