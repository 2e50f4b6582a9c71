/**
 * Plug-in contracts, each shipped with a working in-memory fake and an abstract {@code *Contract} suite in helix-plugin-tck.
 * Starting points: {@link io.helixstack.plugin.api.Buildpack} and {@link io.helixstack.plugin.api.BuildService} (build plane),
 * {@link io.helixstack.plugin.api.RuntimeDriver} (runtime plane), {@link io.helixstack.plugin.api.DeliveryProvider} and
 * {@link io.helixstack.plugin.api.RouteTable} (delivery plane), {@link io.helixstack.plugin.api.ObservabilitySink} (observe), {@link io.helixstack.plugin.api.EventBus} (the bus).
 */
package io.helixstack.plugin.api;
