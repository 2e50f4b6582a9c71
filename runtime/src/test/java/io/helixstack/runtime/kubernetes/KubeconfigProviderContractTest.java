package io.helixstack.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.helixstack.plugin.api.Cluster;
import io.helixstack.plugin.api.ClusterRequest;
import io.helixstack.plugin.api.Endpoint;
import io.helixstack.plugin.api.Provider;
import io.helixstack.plugin.tck.ProviderContract;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The adopt-a-cluster provider against fabric8's mock API server, reached through a kubeconfig naming it. */
@EnableKubernetesMockClient(crud = true)
class KubeconfigProviderContractTest extends ProviderContract {
    KubernetesClient client;
    private KubeconfigProvider provider;

    @Override
    protected Provider provider() {
        if (provider == null) {
            provider = new KubeconfigProvider(KubernetesSettings.defaults(), a -> URI.create("https://x/a.tar.gz"), Clock.systemUTC());
        }
        return provider;
    }

    @Override
    protected Map<String, String> validSettings() {
        return Map.of("kubeconfig", kubeconfig(client.getConfiguration().getMasterUrl()), "ingress", "203.0.113.10:80");
    }

    @Override
    protected Map<String, String> invalidSettings() {
        return Map.of("kubeconfig", "apiVersion: v1\nkind: Config\nclusters: 7\n");
    }

    @Test
    void theClusterCarriesItsIngressAndDestroyRemovesOnlyHelixNamespaces() {
        Cluster cluster = provider().provision(new ClusterRequest(UUID.randomUUID(), "shop", "home-lab", 1, null,
                provider().register(validSettings())));
        assertThat(cluster.ingress()).contains(new Endpoint("203.0.113.10", 80));
        assertThat(cluster.region()).isEqualTo("home-lab");
        KubernetesRuntimeDriver driver = (KubernetesRuntimeDriver) provider().deploy(cluster, new io.helixstack.plugin.tck.InMemoryObservabilitySink());
        driver.deploy(new io.helixstack.plugin.api.InstanceSpec(UUID.randomUUID(), "shop", "web",
                new io.helixstack.plugin.api.Artifact(new io.helixstack.domain.ArtifactMetadata("sha256:" + "a".repeat(64), "node",
                        io.helixstack.domain.ArtifactKind.SERVER, "node s.js", null, new io.helixstack.domain.Source.Upload("sha256:" + "a".repeat(64)),
                        Map.of(), java.time.Instant.EPOCH), java.nio.file.Path.of("/x")),
                "node s.js", Map.of(), io.helixstack.plugin.api.HealthCheck.defaults()));
        client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata().withName("theirs")
                .endMetadata().build()).create();
        client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata().withName("helix-other")
                .addToLabels(KubernetesRuntimeDriver.MANAGED_BY, "helixstack").addToLabels(KubeconfigProvider.CLUSTER_LABEL, "kube-other")
                .endMetadata().build()).create();

        provider().destroy(cluster);

        assertThat(client.namespaces().withName("helix-shop-production").get()).isNull();
        assertThat(client.namespaces().withName("theirs").get()).isNotNull();
        assertThat(client.namespaces().withName("helix-other").get()).as("another cluster's namespace").isNotNull();
    }

    @Test
    void badSettingsSayWhatIsWrong() {
        assertThatThrownBy(() -> provider().register(Map.of())).hasMessage("settings.kubeconfig: missing (expected: the YAML of a"
                + " kubeconfig file, e.g. the contents of ~/.kube/config or /etc/rancher/k3s/k3s.yaml)");
        assertThatThrownBy(() -> provider().register(Map.of("kubeconfig", kubeconfig("https://x:6443"), "ingress", "nope")))
                .hasMessageContaining("settings.ingress: \"nope\" (expected: host:port");
        assertThatThrownBy(() -> provider().register(Map.of("kubeconfig", kubeconfig("https://x:6443"), "token", "t")))
                .hasMessageContaining("settings.token: unknown");
        assertThatThrownBy(() -> provider().provision(new ClusterRequest(UUID.randomUUID(), "shop", null, 1, null,
                Map.of("kubeconfig", kubeconfig("https://127.0.0.1:1")))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("the cluster at https://127.0.0.1:1");
    }

    @Test
    void aKubeconfigThatWouldRunACommandOrReadAFileIsRefusedBeforeAnythingRuns(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) {
        java.nio.file.Path marker = tmp.resolve("ran");
        String exec = kubeconfig("https://x:6443").replace("    token: secret-token\n", """
                    exec:
                      apiVersion: client.authentication.k8s.io/v1
                      command: /bin/sh
                      args: ["-c", "touch %s"]
                """.formatted(marker));
        String tokenFile = kubeconfig("https://x:6443").replace("token: secret-token", "tokenFile: /etc/shadow");
        String caFile = kubeconfig("https://x:6443").replace("insecure-skip-tls-verify: true", "certificate-authority: /etc/ssl/private/key.pem");

        assertThatThrownBy(() -> provider().register(Map.of("kubeconfig", exec))).hasMessageContaining("user helix runs a command")
                .hasMessageContaining("expected: inline credentials only");
        assertThat(marker).as("the exec command never ran").doesNotExist();
        assertThatThrownBy(() -> provider().register(Map.of("kubeconfig", tokenFile))).hasMessageContaining("names files on this machine");
        assertThatThrownBy(() -> provider().register(Map.of("kubeconfig", caFile))).hasMessageContaining("cluster mock names a file");
    }

    static String kubeconfig(String server) {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: mock
                  cluster:
                    server: %s
                    insecure-skip-tls-verify: true
                users:
                - name: helix
                  user:
                    token: secret-token
                contexts:
                - name: mock
                  context:
                    cluster: mock
                    user: helix
                current-context: mock
                """.formatted(server);
    }
}
