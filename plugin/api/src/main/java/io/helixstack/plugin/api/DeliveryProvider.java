package io.helixstack.plugin.api;

import java.time.Duration;
import java.util.Collection;

/** Puts routes in front of users (seed hooks {@code publishRoutes()}, {@code purge()}). */
public interface DeliveryProvider {
    /** Replaces the whole table atomically: a request sees the old table or the new one, never a mix. */
    void publishRoutes(RouteTable table);

    RouteTable routes();

    /**
     * Waits until no request is in flight to any of these endpoints (call after they left the table).
     *
     * @return false if requests were still in flight when the timeout passed
     */
    boolean drain(Collection<Endpoint> endpoints, Duration timeout);

    /** Forgets anything cached for the host (static files, compressed copies). */
    void purge(String host);
}
