package io.helixstack.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.helixstack.plugin.api.Instance;
import io.helixstack.plugin.api.Route;
import io.helixstack.plugin.tck.InMemoryProvider;
import io.helixstack.plugin.tck.InMemoryRuntimeDriver;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /applications/{app}/upgrade}: the provider provisions a cluster, the live deployment starts there, traffic
 * moves once it is ready, the backend changes and later deployments go to the cluster; failures leave the app where it ran.
 */
class UpgradeIT extends ControlApiSupport {

    @Test
    void anUpgradeMovesTheLiveDeploymentAndLaterOnesToTheCluster() throws Exception {
        json("POST", "/applications", "{\"name\":\"moving\"}");
        String v1 = upload("moving", "fake-serve moving-v1");
        awaitState(v1, "live");
        assertThat(localInstancesOf(v1)).hasSize(1);

        HttpResponse<String> accepted = json("POST", "/applications/moving/upgrade",
                "{\"provider\":\"in-memory\",\"region\":\"eu-1\",\"node_count\":3,\"settings\":{\"token\":\"s3cret-token\"}}");

        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        assertThat(JSON.readTree(accepted.body()).get("state").asText()).isEqualTo("requested");
        assertThat(accepted.body()).doesNotContain("s3cret-token");
        JsonNode done = awaitUpgrade("moving", "completed");
        assertThat(done.get("current_backend").asText()).isEqualTo(InMemoryProvider.BACKEND);
        assertThat(done.get("node_count").asInt()).isEqualTo(3);
        String clusterId = done.get("cluster_id").asText();
        InMemoryRuntimeDriver cluster = fixture.provider.driverOf(clusterId).orElseThrow();

        Instance moved = cluster.instances().stream().filter(i -> i.deploymentId().toString().equals(v1)).findFirst().orElseThrow();
        Route.Upstreams route = (Route.Upstreams) delivery.routes().find("moving.localhost").orElseThrow();
        assertThat(route.endpoints()).containsExactly(moved.endpoint());
        await().atMost(Duration.ofSeconds(15)).until(() -> localInstancesOf(v1).isEmpty());
        // Its CPU and memory come from the cluster's driver now.
        cluster.setUsage(moved, 0.5, 48L << 20);
        assertThat(fixture.sampler.sample()).filteredOn(p -> p.app().equals("moving") && p.name().equals(MetricsSampler.MEMORY))
                .singleElement().satisfies(p -> assertThat(p.value()).isEqualTo(48L << 20));

        String v2 = upload("moving", "fake-serve moving-v2");
        awaitState(v2, "live");
        assertThat(cluster.instances()).anySatisfy(i -> assertThat(i.deploymentId().toString()).isEqualTo(v2));
        assertThat(localInstancesOf(v2)).isEmpty();

        // A platform restart: the cluster still runs v2, so the recovering orchestrator serves those instances again.
        long before = cluster.instances().stream().filter(i -> i.deploymentId().toString().equals(v2)).count();
        RuntimeTargets targets = new RuntimeTargets(runtime);
        try (DeploymentOrchestrator restarted = new DeploymentOrchestrator(store, fixture.builds, targets, delivery, logs,
                fixture.config, java.time.Clock.systemUTC(), ManagedDatabases.NONE)) {
            restarted.useTarget(store.applications().find(store.tokens().defaultTeam(), "moving").orElseThrow().id(),
                    new RuntimeTargets.Target(cluster, java.util.Optional.empty()));
            restarted.recover();
            await().atMost(Duration.ofSeconds(15)).until(() -> restarted.instancesOf(java.util.UUID.fromString(v2)).size() == before);
            assertThat(cluster.instances().stream().filter(i -> i.deploymentId().toString().equals(v2)).count())
                    .as("adopted, not started twice").isEqualTo(before);
        }

        String events = json("GET", "/events?app=moving&limit=200", null).body();
        assertThat(events).contains("cluster.provision.requested", "cluster.provision.succeeded", "upgrade.completed");
        HttpResponse<String> again = json("POST", "/applications/moving/upgrade", "{\"provider\":\"in-memory\",\"settings\":{\"token\":\"t\"}}");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(again.body()).get("detail").asText()).contains("already runs on " + InMemoryProvider.BACKEND);
    }

    @Test
    void aFailedProvisionLeavesTheApplicationWhereItRan() throws Exception {
        json("POST", "/applications", "{\"name\":\"staying\"}");
        String v1 = upload("staying", "fake-serve staying-v1");
        awaitState(v1, "live");

        json("POST", "/applications/staying/upgrade", "{\"provider\":\"in-memory\",\"settings\":{\"token\":\"t\",\"fail\":\"quota exceeded\"}}");

        JsonNode failed = awaitUpgrade("staying", "failed");
        assertThat(failed.get("reason").asText()).isEqualTo("quota exceeded");
        assertThat(failed.get("current_backend").asText()).isEqualTo("local");
        assertThat(localInstancesOf(v1)).hasSize(1);
        assertThat(delivery.routes().find("staying.localhost").orElseThrow().deploymentId().toString()).isEqualTo(v1);
        assertThat(json("GET", "/events?app=staying&limit=200", null).body()).contains("upgrade.failed");
    }

    @Test
    void badUpgradeRequestsAreClearProblems() throws Exception {
        json("POST", "/applications", "{\"name\":\"unmoved\"}");

        HttpResponse<String> unknown = json("POST", "/applications/unmoved/upgrade", "{\"provider\":\"digitalocean\"}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).contains("problem+json"));
        assertThat(JSON.readTree(unknown.body()).get("detail").asText()).isEqualTo("provider: \"digitalocean\" (expected: one of [in-memory])");
        HttpResponse<String> noToken = json("POST", "/applications/unmoved/upgrade", "{\"provider\":\"in-memory\"}");
        assertThat(JSON.readTree(noToken.body()).get("detail").asText()).contains("settings.token: missing");
        HttpResponse<String> nodes = json("POST", "/applications/unmoved/upgrade",
                "{\"provider\":\"in-memory\",\"node_count\":0,\"settings\":{\"token\":\"t\"}}");
        assertThat(JSON.readTree(nodes.body()).get("detail").asText()).isEqualTo("node_count: 0 (expected: 1-100)");
        HttpResponse<String> nothingLive = json("POST", "/applications/unmoved/upgrade", "{\"provider\":\"in-memory\",\"settings\":{\"token\":\"t\"}}");
        assertThat(nothingLive.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(nothingLive.body()).get("detail").asText()).contains("has no live production deployment");
        assertThat(json("GET", "/applications/unmoved/upgrade", null).statusCode()).isEqualTo(404);
    }

    private java.util.List<Instance> localInstancesOf(String deploymentId) {
        return runtime.instances().stream().filter(i -> i.deploymentId().toString().equals(deploymentId)).toList();
    }

    private JsonNode awaitUpgrade(String app, String state) throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonNode u = JSON.readTree(json("GET", "/applications/" + app + "/upgrade", null).body());
            return u.path("state").asText().equals(state) || u.path("state").asText().equals("failed");
        });
        JsonNode u = JSON.readTree(json("GET", "/applications/" + app + "/upgrade", null).body());
        assertThat(u.get("state").asText()).as(u.toString()).isEqualTo(state);
        return u;
    }
}
