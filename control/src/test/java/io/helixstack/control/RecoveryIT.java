package io.helixstack.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.helixstack.domain.Application;
import io.helixstack.domain.Deployment;
import io.helixstack.domain.DeploymentState;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A platform stopped mid-deployment, then started again: a new orchestrator over the same database recovers. Deployments
 * caught queued, building, built or deploying resume from their last finished step, once; live ones are served again.
 */
class RecoveryIT extends ControlApiSupport {

    @Test
    void deploymentsCaughtMidWayResumeAndGoLive() throws Exception {
        json("POST", "/applications", "{\"name\":\"resumed\"}");
        String v1Id = upload("resumed", "fake-serve resumed-v1");
        awaitState(v1Id, "live");
        Deployment v1 = deployment(v1Id);
        Application app = app("resumed");

        // As a crash leaves them: one never started building, one half-built, one built, one half-started.
        Deployment queued = store.deployments().create(app, Deployment.PRODUCTION, v1.source(), "test");
        Deployment building = store.deployments().create(app, Deployment.PRODUCTION, v1.source(), "test");
        store.deployments().transition(building.id(), Set.of(DeploymentState.QUEUED), DeploymentState.BUILDING, null, null);
        store.builds().start(building.id(), "interrupted build");
        Deployment built = store.deployments().create(app, Deployment.PRODUCTION, v1.source(), "test");
        store.deployments().markBuilt(built.id(), v1.source(), fixture.orchestrator.artifactMetadata(v1).orElseThrow());
        Deployment deploying = store.deployments().create(app, Deployment.PRODUCTION, v1.source(), "test");
        store.deployments().markBuilt(deploying.id(), v1.source(), fixture.orchestrator.artifactMetadata(v1).orElseThrow());
        store.deployments().transition(deploying.id(), Set.of(DeploymentState.BUILT), DeploymentState.DEPLOYING, null, null);

        try (DeploymentOrchestrator restarted = new DeploymentOrchestrator(store, fixture.builds, runtime, delivery, logs,
                fixture.config, Clock.systemUTC())) {
            restarted.recover();

            // Each reaches a terminal or live state; the newest of them is the one left live.
            await().atMost(Duration.ofSeconds(30)).until(() -> Set.of(queued, building, built, deploying).stream()
                    .map(d -> state(d.id().toString())).allMatch(s -> s.equals("live") || s.equals("superseded") || s.equals("failed")));
            assertThat(Set.of(queued, building, built, deploying).stream().map(d -> state(d.id().toString())))
                    .doesNotContain("failed").containsOnlyOnce("live");
            assertThat(state(deploying.id().toString())).as("the newest of them ends live: older ones never take traffic back")
                    .isEqualTo("live");
            String log = json("GET", "/applications/resumed/logs?limit=1000", null).body();
            assertThat(log).contains("Resuming main/" + queued.number() + " after a HelixStack restart: building it again",
                    "Resuming main/" + built.number() + " after a HelixStack restart: starting its instances again");
            assertThat(store.builds().countForDeployment(building.id())).as("the interrupted build and the new one").isEqualTo(2);
        }
    }

    @Test
    void aRestartedControlPlaneKeepsEveryAppRoutedWhileItRestoresThemOneByOne() throws Exception {
        json("POST", "/applications", "{\"name\":\"kept-a\"}");
        json("POST", "/applications", "{\"name\":\"kept-b\"}");
        awaitState(upload("kept-a", "fake-serve kept-a"), "live");
        awaitState(upload("kept-b", "fake-serve kept-b"), "live");
        // A delivery process outlives the control process: it still serves both apps, and a host nobody serves any more.
        io.helixstack.plugin.api.RouteTable served = delivery.routes();
        io.helixstack.plugin.api.Route gone = served.find("kept-a.localhost").orElseThrow();
        delivery.publishRoutes(served.with("gone.localhost", gone));
        int before = delivery.published().size();

        try (DeploymentOrchestrator restarted = new DeploymentOrchestrator(store, fixture.builds, runtime, delivery, logs,
                fixture.config, Clock.systemUTC())) {
            restarted.recover();

            await().atMost(Duration.ofSeconds(30)).until(() -> delivery.routes().find("gone.localhost").isEmpty());
            java.util.List<io.helixstack.plugin.api.RouteTable> published = delivery.published()
                    .subList(before, delivery.published().size());
            assertThat(published).as("tables published during recovery").isNotEmpty().allSatisfy(t -> assertThat(t.asMap())
                    .containsKeys("kept-a.localhost", "kept-b.localhost"));
            assertThat(delivery.routes().asMap()).containsKeys("kept-a.localhost", "kept-b.localhost");
        }
    }

    @Test
    void aDeploymentInterruptedASecondTimeFailsWithTheReason() throws Exception {
        json("POST", "/applications", "{\"name\":\"twice\"}");
        Deployment v1 = deployment(upload("twice", "fake-serve twice-v1"));
        awaitState(v1.id().toString(), "live");
        Deployment stuck = store.deployments().create(app("twice"), Deployment.PRODUCTION, v1.source(), "test");
        store.deployments().resumed(stuck.id()); // resumed once already, by an earlier restart

        try (DeploymentOrchestrator restarted = new DeploymentOrchestrator(store, fixture.builds, runtime, delivery, logs,
                fixture.config, Clock.systemUTC())) {
            restarted.recover();

            await().atMost(Duration.ofSeconds(10)).until(() -> state(stuck.id().toString()).equals("failed"));
            assertThat(readDeployment(stuck.id().toString()).get("failure_reason").asText())
                    .isEqualTo("interrupted again: HelixStack stopped while this deployment was queued, after resuming it once"
                            + " already; deploy again");
            await().atMost(Duration.ofSeconds(10)).until(() -> state(v1.id().toString()).equals("live"));
        }
    }

    @Test
    void aRuntimeThatLostItsInstancesGetsTheLiveDeploymentStartedAgain() throws Exception {
        json("POST", "/applications", "{\"name\":\"revived\"}");
        String v1Id = upload("revived", "fake-serve revived-v1");
        awaitState(v1Id, "live");
        java.util.List<io.helixstack.plugin.api.Instance> before = fixture.orchestrator.instancesOf(UUID.fromString(v1Id));
        assertThat(before).hasSize(1);
        // As a runtime process that was killed and started again: what it ran is gone.
        before.forEach(i -> runtime.cleanup(i, Duration.ZERO));

        fixture.orchestrator.instancesLost(runtime);

        await().atMost(Duration.ofSeconds(10)).until(() -> !fixture.orchestrator.instancesOf(UUID.fromString(v1Id)).isEmpty()
                && !fixture.orchestrator.instancesOf(UUID.fromString(v1Id)).equals(before));
        io.helixstack.plugin.api.Instance after = fixture.orchestrator.instancesOf(UUID.fromString(v1Id)).getFirst();
        assertThat(runtime.status(after)).isEqualTo(io.helixstack.plugin.api.InstanceStatus.RUNNING);
        java.util.Optional<io.helixstack.plugin.api.Endpoint> routed = delivery.begin("revived.localhost");
        routed.ifPresent(delivery::end);
        assertThat(routed).as("the app's host goes to the new instance").contains(after.endpoint());
        assertThat(state(v1Id)).isEqualTo("live");
        com.fasterxml.jackson.databind.JsonNode instances = JSON.readTree(json("GET", "/deployments/" + v1Id + "/instances", null).body());
        assertThat(instances).hasSize(2);
        assertThat(instances.get(0).get("id").asText()).isEqualTo(before.getFirst().id());
        assertThat(instances.get(0).get("state").asText()).isEqualTo("stopped");
        assertThat(instances.get(1).get("endpoint").asText()).isEqualTo(after.endpoint().toString());
        assertThat(instances.get(1).get("state").asText()).isEqualTo("running");
        await().atMost(Duration.ofSeconds(10)).until(() -> json("GET", "/applications/revived/logs?limit=1000", null).body()
                .contains("Serving main/1 again on the restarted runtime plane"));
    }

    @Test
    void aRuntimeThatTookItsInstancesOverKeepsServingThem() throws Exception {
        json("POST", "/applications", "{\"name\":\"survivor\"}");
        String v1Id = upload("survivor", "fake-serve survivor-v1");
        awaitState(v1Id, "live");
        java.util.List<io.helixstack.plugin.api.Instance> before = fixture.orchestrator.instancesOf(UUID.fromString(v1Id));
        assertThat(before).hasSize(1);

        // As a runtime process that was killed and started again, and took over the instances that outlived it.
        fixture.orchestrator.instancesLost(runtime);

        await().atMost(Duration.ofSeconds(10)).until(() -> json("GET", "/applications/survivor/logs?limit=1000", null).body()
                .contains("The runtime plane running main/1 started again and took its instances over: they kept serving"));
        assertThat(fixture.orchestrator.instancesOf(UUID.fromString(v1Id))).isEqualTo(before);
        assertThat(runtime.status(before.getFirst())).isEqualTo(io.helixstack.plugin.api.InstanceStatus.RUNNING);
        assertThat(state(v1Id)).isEqualTo("live");
    }

    private Deployment deployment(String id) {
        return store.deployments().find(UUID.fromString(id)).orElseThrow();
    }

    private Application app(String name) {
        return store.applications().find(store.tokens().defaultTeam(), name).orElseThrow();
    }
}
