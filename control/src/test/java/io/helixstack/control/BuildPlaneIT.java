package io.helixstack.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.helixstack.build.LocalBuildService;
import io.helixstack.build.ProcessCommandRunner;
import io.helixstack.build.StaticBuildpack;
import io.helixstack.domain.Application;
import io.helixstack.domain.Deployment;
import io.helixstack.domain.DeploymentState;
import io.helixstack.domain.Event;
import io.helixstack.plugin.api.Delivery;
import io.helixstack.plugin.api.Subscription;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Builds on the bus: an orchestrator that leaves building to build workers, two workers (each with its own build service
 * over the shared build root, as two processes have) on the PostgreSQL bus. Requested deployments are shared between the
 * workers, built once each, and released by the orchestrator's {@code releases} consumer; a worker that stopped mid-build
 * leaves its deployment to another, once.
 */
class BuildPlaneIT extends ControlApiSupport {

    private LocalBuildService buildService() {
        return new LocalBuildService(tmp.resolve("build"), List.of(new CommandFileBuildpack(), new StaticBuildpack()),
                ProcessCommandRunner::new, Clock.systemUTC());
    }

    private DeploymentOrchestrator control() {
        return new DeploymentOrchestrator(store, fixture.builds, new RuntimeTargets(runtime), delivery, logs, fixture.config,
                Clock.systemUTC(), ManagedDatabases.NONE, DeploymentOrchestrator.Builds.ON_THE_BUS);
    }

    @Test
    void requestedDeploymentsAreSharedBetweenTwoWorkersAndReleased() throws Exception {
        json("POST", "/applications", "{\"name\":\"shared\"}");
        Deployment v1 = deployment(upload("shared", "fake-serve shared-v1"));
        awaitState(v1.id().toString(), "live");
        Application app = app("shared");

        BuildWorker first = new BuildWorker(store, buildService(), Clock.systemUTC());
        BuildWorker second = new BuildWorker(store, buildService(), Clock.systemUTC());
        AtomicInteger firstBuilt = new AtomicInteger();
        AtomicInteger secondBuilt = new AtomicInteger();
        CountDownLatch firstMayGoOn = new CountDownLatch(1);
        var types = BuildWorker.EVENTS;
        try (DeploymentOrchestrator control = control();
             Subscription releases = control.releaseBuilt(fixture.bus);
             // The first worker is held on its first build, as a long build would hold it: the rest goes to the second.
             Subscription a = fixture.bus.subscribe(BuildWorker.CONSUMER, types, delivery -> {
                 firstMayGoOn.await(30, TimeUnit.SECONDS);
                 first.handle(delivery);
                 firstBuilt.incrementAndGet();
             });
             Subscription b = fixture.bus.subscribe(BuildWorker.CONSUMER, types, delivery -> {
                 second.handle(delivery);
                 secondBuilt.incrementAndGet();
             })) {
            List<Deployment> requested = List.of(
                    control.deploy(app, Deployment.PRODUCTION, v1.source(), "test"),
                    control.deploy(app, Deployment.PRODUCTION, v1.source(), "test"),
                    control.deploy(app, Deployment.PRODUCTION, v1.source(), "test"));
            await().atMost(Duration.ofSeconds(30)).until(() -> secondBuilt.get() >= 1);
            firstMayGoOn.countDown();

            await().atMost(Duration.ofSeconds(30)).until(() -> requested.stream().map(d -> state(d.id().toString()))
                    .allMatch(s -> s.equals("live") || s.equals("superseded")));
            assertThat(firstBuilt.get()).as("builds the first worker handled").isPositive();
            assertThat(secondBuilt.get()).as("builds the second worker handled").isPositive();
            assertThat(requested).allSatisfy(d -> assertThat(store.builds().countForDeployment(d.id())).as("built once").isEqualTo(1));
            assertThat(requested.stream().map(d -> state(d.id().toString()))).containsOnlyOnce("live");
            assertThat(fixture.builds.artifact(store.deployments().find(requested.get(2).id()).orElseThrow().artifactDigest()))
                    .as("the control plane finds what a worker built in the shared store").isPresent();
        }
    }

    @Test
    void aBuildAWorkerLeftIsTakenOverOnceThenFailed() throws Exception {
        json("POST", "/applications", "{\"name\":\"orphan\"}");
        Deployment v1 = deployment(upload("orphan", "fake-serve orphan-v1"));
        awaitState(v1.id().toString(), "live");
        Application app = app("orphan");
        BuildWorker worker = new BuildWorker(store, buildService(), Clock.systemUTC());

        try (DeploymentOrchestrator control = control(); Subscription releases = control.releaseBuilt(fixture.bus)) {
            // As a worker killed mid-build leaves it: building, its build running; the bus hands the event on again.
            Deployment left = control.deploy(app, Deployment.PRODUCTION, v1.source(), "test");
            store.deployments().transition(left.id(), Set.of(DeploymentState.QUEUED), DeploymentState.BUILDING, null, null);
            UUID deadBuild = store.builds().start(left.id(), "the dead worker's build");
            worker.handle(new Delivery(1, new Event.ProductionDeploymentRequested(left.id(), "orphan", left.label(), "x",
                    java.time.Instant.now()), 2));

            await().atMost(Duration.ofSeconds(30)).until(() -> state(left.id().toString()).equals("live"));
            assertThat(store.builds().countForDeployment(left.id())).as("the dead worker's build and the new one").isEqualTo(2);
            assertThat(store.builds().latestFor(left.id())).isPresent().get().isNotEqualTo(deadBuild);

            // Left a second time: failed with the reason, not built a third time.
            Deployment twice = control.deploy(app, Deployment.PRODUCTION, v1.source(), "test");
            store.deployments().transition(twice.id(), Set.of(DeploymentState.QUEUED), DeploymentState.BUILDING, null, null);
            store.deployments().resumed(twice.id());
            worker.handle(new Delivery(2, new Event.ProductionDeploymentRequested(twice.id(), "orphan", twice.label(), "x",
                    java.time.Instant.now()), 2));
            assertThat(state(twice.id().toString())).isEqualTo("failed");
            assertThat(readDeployment(twice.id().toString()).get("failure_reason").asText())
                    .startsWith("interrupted again: a build worker stopped while building this deployment");
            assertThat(state(left.id().toString())).as("the live deployment keeps serving").isEqualTo("live");
        }
    }

    private Application app(String name) {
        return store.applications().find(store.tokens().defaultTeam(), name).orElseThrow();
    }

    private Deployment deployment(String id) {
        return store.deployments().find(UUID.fromString(id)).orElseThrow();
    }
}
