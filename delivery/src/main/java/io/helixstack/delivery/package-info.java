/**
 * The delivery plane: the built-in reverse proxy in front of every app.
 * Starting points: {@link io.helixstack.delivery.BuiltinProxy} (the {@code DeliveryProvider}: start, publish a
 * {@code RouteTable}, drain, close) configured by {@link io.helixstack.delivery.DeliveryConfig}; per request,
 * {@code HostRoutingService} dispatches to {@code UpstreamProxyService}, {@code WebSocketProxy} or {@code StaticSiteService}.
 */
package io.helixstack.delivery;
