package io.helixstack.runtime.kubernetes;

import io.helixstack.domain.Hashes;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.helixstack.plugin.api.Cluster;
import io.helixstack.plugin.api.ClusterRequest;
import io.helixstack.plugin.api.Endpoint;
import io.helixstack.plugin.api.ObservabilitySink;
import io.helixstack.plugin.api.Provider;
import io.helixstack.plugin.api.RuntimeDriver;



import java.time.Clock;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Adopts an existing Kubernetes or K3s cluster from a kubeconfig: nothing is created but the namespaces the apps run in,
 * and {@link #destroy} removes exactly those. Settings: {@code kubeconfig} (the file's YAML, required) and {@code ingress}
 * ({@code host:port} of the cluster's ingress controller, for the built-in proxy to forward the apps' hosts to).
 */
public final class KubeconfigProvider implements Provider {
    public static final String NAME = "kubeconfig";
    /** On the namespaces made for a cluster: its id. */
    static final String CLUSTER_LABEL = "helixstack.io/cluster";
    private static final String KUBECONFIG_EXPECTED = "the YAML of a kubeconfig file, e.g. the contents of ~/.kube/config or"
            + " /etc/rancher/k3s/k3s.yaml";

    private final KubernetesSettings settings;
    private final ArtifactUrls artifactUrls;
    private final Clock clock;

    public KubeconfigProvider(KubernetesSettings settings, ArtifactUrls artifactUrls, Clock clock) {
        this.settings = settings;
        this.artifactUrls = artifactUrls;
        this.clock = clock;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, String> register(Map<String, String> given) {
        String kubeconfig = given.get("kubeconfig");
        if (kubeconfig == null || kubeconfig.isBlank()) {
            throw new IllegalArgumentException("settings.kubeconfig: missing (expected: " + KUBECONFIG_EXPECTED + ")");
        }
        Config config = parse(kubeconfig);
        if (config.getMasterUrl() == null || config.getMasterUrl().isBlank()) {
            throw new IllegalArgumentException("settings.kubeconfig: names no API server (expected: " + KUBECONFIG_EXPECTED + ")");
        }
        Map<String, String> kept = new LinkedHashMap<>();
        kept.put("kubeconfig", kubeconfig);
        String ingress = given.get("ingress");
        if (ingress != null && !ingress.isBlank()) {
            endpoint(ingress);
            kept.put("ingress", ingress.strip());
        }
        for (String key : given.keySet()) {
            if (!key.equals("kubeconfig") && !key.equals("ingress")) {
                throw new IllegalArgumentException("settings." + key + ": unknown (expected: kubeconfig and optionally ingress)");
            }
        }
        return Map.copyOf(kept);
    }

    @Override
    public Cluster provision(ClusterRequest request) {
        Config config = parse(request.settings().get("kubeconfig"));
        String backend = "kubernetes";
        // Fail fast on an unreachable server: the default retries with backoff for a long time.
        config.setRequestRetryBackoffLimit(0);
        config.setConnectionTimeout(10_000);
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
            client.namespaces().list();
            try {
                String version = client.getKubernetesVersion().getGitVersion();
                backend = version != null && version.contains("k3s") ? "k3s" : "kubernetes";
            } catch (KubernetesClientException | NullPointerException e) {
                // a cluster that hides /version is still a cluster
            }
        } catch (KubernetesClientException e) {
            throw new IllegalStateException("the cluster at " + config.getMasterUrl() + " does not answer: " + e.getMessage(), e);
        }
        Optional<Endpoint> ingress = Optional.ofNullable(request.settings().get("ingress")).map(KubeconfigProvider::endpoint);
        return new Cluster("kube-" + Hashes.sha256Hex(config.getMasterUrl() + "|" + config.getCurrentContext()).substring(0, 12), NAME, backend,
                request.region(), ingress, request.settings());
    }

    @Override
    public RuntimeDriver deploy(Cluster cluster, ObservabilitySink sink) {
        KubernetesClient client = new KubernetesClientBuilder().withConfig(parse(cluster.connection().get("kubeconfig"))).build();
        return new KubernetesRuntimeDriver(client, settings, artifactUrls, sink, clock, Map.of(CLUSTER_LABEL, cluster.id()));
    }

    /**
     * On an adopted cluster, HelixStack created only namespaces, each labelled with the cluster it was made for: those go,
     * with what runs in them; other namespaces (another HelixStack's too) stay.
     */
    @Override
    public void destroy(Cluster cluster) {
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(parse(cluster.connection().get("kubeconfig"))).build()) {
            client.namespaces().withLabel(CLUSTER_LABEL, cluster.id()).delete();
        }
    }

    /**
     * Reads the kubeconfig as data first: a kubeconfig can name a command to run for credentials ({@code exec},
     * {@code auth-provider}) or files to read from this machine (token, certificates), and fabric8 acts on both while
     * loading it. Coming from an API caller, only inline credentials are accepted.
     */
    static void requireInlineCredentials(String kubeconfig) {
        io.fabric8.kubernetes.api.model.Config model;
        try {
            model = io.fabric8.kubernetes.client.internal.KubeConfigUtils.parseConfigFromString(kubeconfig);
        } catch (RuntimeException e) {
            String why = String.valueOf(e.getMessage()).lines().findFirst().orElse("unreadable");
            throw new IllegalArgumentException("settings.kubeconfig: not a kubeconfig (" + why + ") (expected: " + KUBECONFIG_EXPECTED + ")", e);
        }
        if (model == null) {
            throw new IllegalArgumentException("settings.kubeconfig: empty (expected: " + KUBECONFIG_EXPECTED + ")");
        }
        String inline = " (expected: inline credentials only — token, client-certificate-data, client-key-data,"
                + " certificate-authority-data; HelixStack runs no commands and reads no files named in a kubeconfig)";
        for (var named : Optional.ofNullable(model.getUsers()).orElse(java.util.List.of())) {
            var user = named.getUser();
            if (user == null) {
                continue;
            }
            String where = "settings.kubeconfig: user " + named.getName();
            if (user.getExec() != null) {
                throw new IllegalArgumentException(where + " runs a command for credentials (exec)" + inline);
            }
            if (user.getAuthProvider() != null) {
                throw new IllegalArgumentException(where + " uses an auth-provider plug-in" + inline);
            }
            if (user.getTokenFile() != null || user.getClientCertificate() != null || user.getClientKey() != null) {
                throw new IllegalArgumentException(where + " names files on this machine" + inline);
            }
        }
        for (var named : Optional.ofNullable(model.getClusters()).orElse(java.util.List.of())) {
            if (named.getCluster() != null && named.getCluster().getCertificateAuthority() != null) {
                throw new IllegalArgumentException("settings.kubeconfig: cluster " + named.getName() + " names a file on this machine"
                        + " (certificate-authority)" + inline);
            }
        }
    }

    private static Config parse(String kubeconfig) {
        requireInlineCredentials(kubeconfig);
        try {
            Config config = Config.fromKubeconfig(kubeconfig);
            if (config != null) {
                return config;
            }
        } catch (RuntimeException e) {
            // The parser's own words are about YAML and Jackson types, not about what the user should write: keep the first line.
            String why = String.valueOf(e.getMessage()).lines().findFirst().orElse("unreadable");
            throw new IllegalArgumentException("settings.kubeconfig: not a kubeconfig (" + why + ") (expected: "
                    + KUBECONFIG_EXPECTED + ")", e);
        }
        throw new IllegalArgumentException("settings.kubeconfig: empty (expected: " + KUBECONFIG_EXPECTED + ")");
    }

    private static Endpoint endpoint(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        try {
            if (colon > 0) {
                return new Endpoint(hostPort.substring(0, colon).strip(), Integer.parseInt(hostPort.substring(colon + 1).strip()));
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new IllegalArgumentException("settings.ingress: \"" + hostPort + "\" (expected: host:port of the cluster's ingress"
                + " controller, e.g. 203.0.113.10:80)");
    }

}
