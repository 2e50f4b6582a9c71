package io.helixstack.control;

import io.helixstack.domain.Deployment;
import io.helixstack.plugin.api.Endpoint;
import io.helixstack.plugin.api.Instance;
import io.helixstack.plugin.api.Route;
import io.helixstack.plugin.api.RouteTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * What is being served right now: each deployment that can take traffic in each region (its instances there, or its
 * static files everywhere), which one is live per application and environment, and the regions rolled back to another
 * deployment. The route table is derived from it, never edited by hand: an environment's host goes to its live
 * deployment's instances in every region but the rolled-back ones, and to the rolled-back-to deployment's in those.
 * Guarded by the orchestrator's lock; not thread-safe on its own.
 */
final class ServingState {
    /** The key of the route on the app's own hosts in {@link Served#routes}; other keys are service names. */
    static final String PRIMARY = "";
    /** The region of what the delivery plane serves itself (static files): every region. */
    static final String EVERYWHERE = "*";

    /**
     * A deployment that can take traffic in one region.
     *
     * @param region the region its instances run in, or {@link #EVERYWHERE} for static files
     * @param routes the primary route (the first http service, or the static files) under {@link #PRIMARY}, other http
     *               services under their names, answering at {@code <service>--<host>}; none for a workers-only app
     */
    record Served(UUID deploymentId, String app, String region, List<Instance> instances, Map<String, Route> routes) {
        Served {
            instances = List.copyOf(instances);
            routes = Map.copyOf(routes);
        }

        Served(UUID deploymentId, String app, List<Instance> instances, Route route) {
            this(deploymentId, app, EVERYWHERE, instances, Map.of(PRIMARY, route));
        }

        List<Endpoint> endpoints() {
            return instances.stream().map(Instance::endpoint).toList();
        }

        private Key key() {
            return new Key(deploymentId, region);
        }
    }

    private record Key(UUID deploymentId, String region) {
    }

    record Env(String app, String environment) {
    }

    private final Map<Key, Served> served = new LinkedHashMap<>();
    /** The live deployment of each (application, environment). */
    private final Map<Env, UUID> live = new HashMap<>();
    /** Regions of an environment rolled back to another deployment than its live one. */
    private final Map<Env, Map<String, UUID>> rolledBack = new HashMap<>();

    void put(Served s) {
        served.put(s.key(), s);
    }

    /** Stops serving the deployment in every region; @return what it served */
    List<Served> remove(UUID deploymentId) {
        List<Served> removed = get(deploymentId);
        removed.forEach(s -> served.remove(s.key()));
        return removed;
    }

    Optional<Served> remove(UUID deploymentId, String region) {
        return Optional.ofNullable(served.remove(new Key(deploymentId, region)));
    }

    /** What the deployment serves, per region. */
    List<Served> get(UUID deploymentId) {
        return served.values().stream().filter(s -> s.deploymentId().equals(deploymentId)).toList();
    }

    Optional<Served> get(UUID deploymentId, String region) {
        return Optional.ofNullable(served.get(new Key(deploymentId, region)));
    }

    /**
     * The deployment becomes the live one of the environment in every region (a release, a full rollback).
     *
     * @return the deployments that served the environment before (the live one and those of rolled-back regions)
     */
    Set<UUID> makeLive(String app, String environment, UUID deploymentId) {
        Env env = new Env(app, environment);
        Set<UUID> before = new HashSet<>(Optional.ofNullable(rolledBack.remove(env)).map(Map::values).orElse(Set.of()));
        Optional.ofNullable(live.put(env, deploymentId)).ifPresent(before::add);
        return before;
    }

    /**
     * The regions serve {@code deploymentId} instead of the environment's live deployment (a regional rollback).
     *
     * @return what each of them served before
     */
    Map<String, UUID> rollBack(String app, String environment, Set<String> regions, UUID deploymentId) {
        Env env = new Env(app, environment);
        Map<String, UUID> before = new HashMap<>();
        Map<String, UUID> overrides = rolledBack.computeIfAbsent(env, e -> new HashMap<>());
        for (String region : regions) {
            // Rolled "back" to the live deployment itself: the region follows the live deployment again.
            UUID previous = deploymentId.equals(live.get(env)) ? overrides.remove(region) : overrides.put(region, deploymentId);
            before.put(region, previous != null ? previous : live.get(env));
        }
        if (overrides.isEmpty()) {
            rolledBack.remove(env);
        }
        return before;
    }

    Optional<UUID> live(String app, String environment) {
        return Optional.ofNullable(live.get(new Env(app, environment)));
    }

    /** The deployment a region of the environment serves: the rolled-back-to one, or the live one. */
    Optional<UUID> liveIn(String app, String environment, String region) {
        Env env = new Env(app, environment);
        return Optional.ofNullable(rolledBack.getOrDefault(env, Map.of()).get(region)).or(() -> Optional.ofNullable(live.get(env)));
    }

    /** The regions of the environment rolled back to another deployment, with that deployment. */
    Map<String, UUID> rolledBack(String app, String environment) {
        return Map.copyOf(rolledBack.getOrDefault(new Env(app, environment), Map.of()));
    }

    /** The environment serves nothing any more; @return the deployments it served */
    Set<UUID> removeLive(String app, String environment) {
        Env env = new Env(app, environment);
        Set<UUID> before = new HashSet<>(Optional.ofNullable(rolledBack.remove(env)).map(Map::values).orElse(Set.of()));
        Optional.ofNullable(live.remove(env)).ifPresent(before::add);
        return before;
    }

    /** Whether the deployment serves any environment in any region (as its live one or a rolled-back region's). */
    boolean serves(UUID deploymentId) {
        return live.containsValue(deploymentId) || rolledBack.values().stream().anyMatch(m -> m.containsValue(deploymentId));
    }

    List<Served> all() {
        return List.copyOf(served.values());
    }

    /**
     * Environment hosts (production, previews) point at what serves them in each region; every served deployment also
     * answers on its own {@code d-} host, from all its regions.
     */
    RouteTable routeTable(ControlConfig config) {
        Map<String, Route> routes = new HashMap<>();
        Map<UUID, List<Served>> byDeployment = new LinkedHashMap<>();
        served.values().forEach(s -> byDeployment.computeIfAbsent(s.deploymentId(), id -> new ArrayList<>()).add(s));
        byDeployment.forEach((id, all) -> put(routes, config.deploymentHost(all.getFirst().app(), Deployment.shortId(id)), all));
        live.forEach((env, id) -> {
            Map<String, UUID> overrides = rolledBack.getOrDefault(env, Map.of());
            List<Served> parts = new ArrayList<>();
            for (Served s : served.values()) {
                boolean liveHere = s.deploymentId().equals(id) && !overrides.containsKey(s.region());
                boolean rolledBackHere = s.deploymentId().equals(overrides.get(s.region()));
                if (liveHere || rolledBackHere) {
                    parts.add(s);
                }
            }
            if (!parts.isEmpty()) {
                put(routes, config.environmentHost(env.app(), env.environment()), parts);
            }
        });
        return RouteTable.of(routes);
    }

    /** The routes of several regions on one host: upstreams merged per service, so requests spread over all of them. */
    private static void put(Map<String, Route> routes, String host, List<Served> parts) {
        Map<String, Route> merged = new LinkedHashMap<>();
        for (Served s : parts) {
            s.routes().forEach((service, route) -> merged.merge(service, route, ServingState::merge));
        }
        merged.forEach((service, route) -> routes.put(service.equals(PRIMARY) ? host : service + "--" + host, route));
    }

    private static Route merge(Route a, Route b) {
        if (a instanceof Route.Upstreams ua && b instanceof Route.Upstreams ub) {
            List<Endpoint> endpoints = new ArrayList<>(ua.endpoints());
            ub.endpoints().stream().filter(e -> !endpoints.contains(e)).forEach(endpoints::add);
            return new Route.Upstreams(ua.deploymentId(), ua.app(), endpoints);
        }
        return a;
    }
}
