package io.helixstack.delivery;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.helixstack.plugin.api.Endpoint;
import io.helixstack.plugin.api.Route;
import io.helixstack.plugin.api.RouteTable;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the delivery plane's RPC sends: the contract's records as JSON (a route tagged by its kind, a static root as a
 * file URI), one record per call's arguments. One operation per path under {@link #PREFIX}, each a POST.
 */
final class DeliveryWire {
    static final String PREFIX = "/delivery/v1/";
    static final String HELLO = "hello";

    static final ObjectMapper JSON = JsonMapper.builder()
            .addMixIn(Route.class, RouteMixin.class)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private DeliveryWire() {
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
    @JsonSubTypes({@JsonSubTypes.Type(value = Route.Upstreams.class, name = "upstreams"),
            @JsonSubTypes.Type(value = Route.Static.class, name = "static")})
    private interface RouteMixin {
    }

    /** The proxy's name, the agent's boot id (new after every start of the delivery process) and the proxy's port. */
    record Hello(String name, UUID bootId, int proxyPort) {
    }

    /** A whole route table, host by host. */
    record Table(Map<String, Route> routes) {
        static Table of(RouteTable table) {
            return new Table(table.asMap());
        }

        RouteTable table() {
            return routes == null ? RouteTable.empty() : RouteTable.of(routes);
        }
    }

    /**
     * A table from one control plane's client ({@code source}), numbered in the order it published them: a publish that
     * arrives after a newer one from the same client (it timed out on the way and was sent again) is dropped.
     */
    record Publish(Map<String, Route> routes, UUID source, long generation) {
        RouteTable table() {
            return routes == null ? RouteTable.empty() : RouteTable.of(routes);
        }
    }

    record Drain(List<Endpoint> endpoints, long timeoutMillis) {
    }

    record Purge(String host) {
    }
}
