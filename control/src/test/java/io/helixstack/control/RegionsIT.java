package io.helixstack.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.helixstack.plugin.api.Endpoint;
import io.helixstack.plugin.api.Instance;
import io.helixstack.plugin.api.Route;
import io.helixstack.plugin.tck.InMemoryRuntimeDriver;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A platform of two regions ({@code eu}, {@code us}; a runtime each): a release runs in both and the app's host spreads
 * over them; a rollback scoped to {@code eu} moves only eu back while us stays on the latest release; the next release
 * goes everywhere again; a restarted control plane serves each region what it served.
 */
class RegionsIT extends ControlApiSupport {

    @Override
    List<String> regions() {
        return List.of("eu", "us");
    }

    @Test
    void aRollbackScopedToARegionLeavesTheOthersOnTheLatestRelease() throws Exception {
        json("POST", "/applications", "{\"name\":\"geo\"}");
        String v1 = upload("geo", "fake-serve geo-v1");
        awaitState(v1, "live");
        String v2 = upload("geo", "fake-serve geo-v2");
        awaitState(v2, "live");
        assertThat(regionsOf("geo")).containsExactly(Map.entry("eu", "main/2"), Map.entry("us", "main/2"));
        Instance v2Eu = only(region("eu"), v2);
        Instance v2Us = only(region("us"), v2);
        assertThat(endpoints("geo.localhost")).containsExactlyInAnyOrder(v2Eu.endpoint(), v2Us.endpoint());

        HttpResponse<String> rollback = json("POST", "/applications/geo/rollback", "{\"deployment\":\"main/1\",\"regions\":[\"eu\"]}");
        assertThat(rollback.statusCode()).as(rollback.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(regionsOf("geo"))
                .isEqualTo(Map.of("eu", "main/1", "us", "main/2")));
        Instance v1Eu = only(region("eu"), v1);
        assertThat(endpoints("geo.localhost")).as("eu serves main/1, us still main/2")
                .containsExactlyInAnyOrder(v1Eu.endpoint(), v2Us.endpoint());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(region("eu").instances()).doesNotContain(v2Eu));
        assertThat(region("us").instances()).as("us was not touched").contains(v2Us)
                .noneMatch(i -> i.deploymentId().toString().equals(v1));
        assertThat(state(v2)).as("main/2 stays live: it serves us").isEqualTo("live");
        JsonNode events = JSON.readTree(json("GET", "/events?app=geo&limit=100", null).body()).get("events");
        assertThat(events.toString()).contains("\"regions\":[\"eu\"]");
        JsonNode regions = JSON.readTree(json("GET", "/applications/geo/regions", null).body());
        assertThat(regions.get(0).get("rolled_back").asBoolean()).isTrue();
        assertThat(regions.get(1).get("rolled_back").asBoolean()).isFalse();

        // A control plane started again serves each region what it served.
        try (DeploymentOrchestrator restarted = new DeploymentOrchestrator(store, fixture.builds, new RuntimeTargets(List.of(
                new RuntimeTargets.Target(region("eu"), java.util.Optional.empty(), "eu"),
                new RuntimeTargets.Target(region("us"), java.util.Optional.empty(), "us"))), delivery, logs, fixture.config,
                Clock.systemUTC(), ManagedDatabases.NONE)) {
            restarted.recover();
            await().atMost(Duration.ofSeconds(10)).until(() -> restarted.regions(app("geo"), "production").stream()
                    .collect(Collectors.toMap(DeploymentOrchestrator.RegionServing::region, r -> r.deploymentId().orElseThrow().toString()))
                    .equals(Map.of("eu", v1, "us", v2)));
        }
        // The restarted orchestrator's routes went to the fake proxy too; the fixture's own orchestrator publishes again below.

        String v3 = upload("geo", "fake-serve geo-v3");
        awaitState(v3, "live");
        await().atMost(Duration.ofSeconds(10)).until(() -> regionsOf("geo").equals(Map.of("eu", "main/3", "us", "main/3")));
        await().atMost(Duration.ofSeconds(10)).until(() -> region("eu").instances().stream().noneMatch(i -> i.deploymentId().toString().equals(v1)));
        assertThat(endpoints("geo.localhost")).containsExactlyInAnyOrder(only(region("eu"), v3).endpoint(), only(region("us"), v3).endpoint());
        assertThat(store.deployments().rolledBackRegions(app("geo").id(), "production")).as("a release clears rolled-back regions").isEmpty();
    }

    @Test
    void scopedRollbacksThatCannotBeSayWhy() throws Exception {
        json("POST", "/applications", "{\"name\":\"geo-bad\"}");
        String v1 = upload("geo-bad", "fake-serve bad-v1");
        awaitState(v1, "live");
        String v2 = upload("geo-bad", "fake-serve bad-v2");
        awaitState(v2, "live");

        HttpResponse<String> unknown = json("POST", "/applications/geo-bad/rollback", "{\"deployment\":\"main/1\",\"regions\":[\"mars\"]}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.headers().firstValue("content-type")).hasValue("application/problem+json");
        assertThat(JSON.readTree(unknown.body()).get("detail").asText())
                .isEqualTo("region: \"mars\" (expected: one of eu, us, where geo-bad runs)");

        HttpResponse<String> already = json("POST", "/applications/geo-bad/rollback", "{\"deployment\":\"main/2\",\"regions\":[\"us\"]}");
        assertThat(already.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(already.body()).get("detail").asText()).isEqualTo("main/2 serves us already (expected: regions"
                + " that serve another deployment)");

        // Rolling eu back, then forward to the live deployment again, leaves every region on it.
        assertThat(json("POST", "/applications/geo-bad/rollback", "{\"deployment\":\"main/1\",\"regions\":[\"eu\"]}").statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> regionsOf("geo-bad").get("eu").equals("main/1"));
        assertThat(json("POST", "/applications/geo-bad/rollback", "{\"deployment\":\"main/2\",\"regions\":[\"eu\"]}").statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> regionsOf("geo-bad").equals(Map.of("eu", "main/2", "us", "main/2")));
        assertThat(store.deployments().rolledBackRegions(app("geo-bad").id(), "production")).isEmpty();
        assertThat(endpoints("geo-bad.localhost")).hasSize(2);
        assertThat(state(v1)).isEqualTo("superseded");
    }

    private InMemoryRuntimeDriver region(String name) {
        return fixture.regions.get(name);
    }

    private static Instance only(InMemoryRuntimeDriver runtime, String deploymentId) {
        List<Instance> of = runtime.instances().stream().filter(i -> i.deploymentId().toString().equals(deploymentId)).toList();
        assertThat(of).as("instances of " + deploymentId).hasSize(1);
        return of.getFirst();
    }

    private Map<String, String> regionsOf(String app) throws Exception {
        Map<String, String> byRegion = new java.util.LinkedHashMap<>();
        JSON.readTree(json("GET", "/applications/" + app + "/regions", null).body())
                .forEach(r -> byRegion.put(r.get("region").asText(), r.path("label").asText(null)));
        return byRegion;
    }

    private List<Endpoint> endpoints(String host) {
        Route route = delivery.routes().find(host).orElseThrow();
        return ((Route.Upstreams) route).endpoints();
    }

    private io.helixstack.domain.Application app(String name) {
        return store.applications().find(store.tokens().defaultTeam(), name).orElseThrow();
    }

}
