package io.helixstack.plugin.api;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** An immutable host -> route map. Changes make a new table, which the delivery plane swaps in atomically. */
public final class RouteTable {
    private static final RouteTable EMPTY = new RouteTable(Map.of());

    private final Map<String, Route> routes;

    private RouteTable(Map<String, Route> routes) {
        this.routes = Map.copyOf(routes);
    }

    public static RouteTable empty() {
        return EMPTY;
    }

    public static RouteTable of(Map<String, Route> routes) {
        Map<String, Route> normalized = new HashMap<>();
        routes.forEach((host, route) -> normalized.put(normalize(host), route));
        return new RouteTable(normalized);
    }

    /** The route for a {@code Host} header value; the port and letter case are ignored. */
    public Optional<Route> find(String host) {
        if (host == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(routes.get(normalize(host)));
    }

    public RouteTable with(String host, Route route) {
        Map<String, Route> next = new HashMap<>(routes);
        next.put(normalize(host), route);
        return new RouteTable(next);
    }

    public Map<String, Route> asMap() {
        return routes;
    }

    static String normalize(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) { // IPv6 literal
            int end = h.indexOf(']');
            return end > 0 ? h.substring(0, end + 1) : h;
        }
        int colon = h.lastIndexOf(':');
        if (colon >= 0) {
            h = h.substring(0, colon);
        }
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RouteTable t && t.routes.equals(routes);
    }

    @Override
    public int hashCode() {
        return routes.hashCode();
    }

    @Override
    public String toString() {
        return "RouteTable" + routes.keySet();
    }
}
