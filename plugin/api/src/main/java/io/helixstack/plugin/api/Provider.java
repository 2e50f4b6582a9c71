package io.helixstack.plugin.api;

import java.util.Map;

/**
 * Infrastructure an application can move to (seed hooks {@code register()}, {@code provision()}, {@code deploy()},
 * {@code destroy()}): a cloud that creates machines and installs K3s on them, or an existing cluster that is adopted from a
 * kubeconfig. HelixStack runs the upgrade: provision, deploy the live release there, move traffic once it is healthy.
 */
public interface Provider {
    /** As users name it in {@code POST /applications/{app}/upgrade}, e.g. {@code kubeconfig}. */
    String name();

    /**
     * Checks the settings an upgrade request brings (a kubeconfig, an API token, a node size) before anything is created.
     *
     * @return the settings as the provider will use them
     * @throws IllegalArgumentException saying which setting is missing or wrong and what is expected
     */
    Map<String, String> register(Map<String, String> settings);

    /**
     * Creates the cluster, or adopts an existing one, and returns once it answers. Idempotent for one
     * {@link ClusterRequest#upgradeId()}: a retried upgrade finds the cluster it made.
     *
     * @throws IllegalStateException with the reason when the cluster cannot be provisioned or reached
     */
    Cluster provision(ClusterRequest request);

    /** The runtime driver that deploys onto {@code cluster}; its instances' logs go to {@code sink}. */
    RuntimeDriver deploy(Cluster cluster, ObservabilitySink sink);

    /** Removes what HelixStack created for the cluster (machines, or on an adopted cluster its namespaces). Idempotent. */
    void destroy(Cluster cluster);
}
