package io.helixstack.delivery;

import io.helixstack.plugin.api.Endpoint;
import io.helixstack.plugin.api.Route;
import io.helixstack.plugin.api.RouteTable;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Turns a {@code Host} into what serves it, picking upstream endpoints round-robin and counting them in flight. */
final class RouteResolver {
    sealed interface Resolution {}

    record NotFound() implements Resolution {}

    record Site(Route.Static route) implements Resolution {}

    /** Already counted in flight: whoever serves it must call {@link InFlightTracker#end} exactly once. */
    record Proxied(Route.Upstreams route, Endpoint endpoint) implements Resolution {}

    private static final NotFound NOT_FOUND = new NotFound();

    private final AtomicReference<RouteTable> routes;
    private final InFlightTracker inFlight;
    private final ConcurrentMap<Route.Upstreams, AtomicInteger> cursors = new ConcurrentHashMap<>();

    RouteResolver(AtomicReference<RouteTable> routes, InFlightTracker inFlight) {
        this.routes = routes;
        this.inFlight = inFlight;
    }

    Resolution resolve(String host) {
        RouteTable table = routes.get();
        while (true) {
            Route route = host == null ? null : table.find(host).orElse(null);
            switch (route) {
                case null -> {
                    return NOT_FOUND;
                }
                case Route.Static site -> {
                    return new Site(site);
                }
                case Route.Upstreams upstreams -> {
                    Endpoint endpoint = next(upstreams);
                    inFlight.begin(endpoint);
                    // A drain may have looked at this endpoint between our table read and begin(). Re-reading the table
                    // after begin() closes that gap: if it moved on and no longer sends this host there, undo and retry,
                    // so a drain that returned true is never followed by a request to a drained endpoint.
                    RouteTable now = routes.get();
                    if (now == table || sendsHostTo(now, host, endpoint)) {
                        return new Proxied(upstreams, endpoint);
                    }
                    inFlight.end(endpoint);
                    table = now;
                }
            }
        }
    }

    /** Forgets round-robin positions of routes that left the table. */
    void retain(RouteTable table) {
        Set<Route> live = Set.copyOf(table.asMap().values());
        cursors.keySet().removeIf(route -> !live.contains(route));
    }

    private Endpoint next(Route.Upstreams upstreams) {
        int cursor = cursors.computeIfAbsent(upstreams, u -> new AtomicInteger()).getAndIncrement();
        return upstreams.endpoints().get(Math.floorMod(cursor, upstreams.endpoints().size()));
    }

    private static boolean sendsHostTo(RouteTable table, String host, Endpoint endpoint) {
        return table.find(host).orElse(null) instanceof Route.Upstreams u && u.endpoints().contains(endpoint);
    }

    static Set<Endpoint> endpointsOf(RouteTable table) {
        return table.asMap().values().stream()
                .flatMap(route -> route instanceof Route.Upstreams u ? u.endpoints().stream() : Stream.empty())
                .collect(Collectors.toUnmodifiableSet());
    }
}
