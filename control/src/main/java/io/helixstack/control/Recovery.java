package io.helixstack.control;

import io.helixstack.domain.Application;
import io.helixstack.domain.ArtifactKind;
import io.helixstack.domain.Deployment;
import io.helixstack.domain.DeploymentState;
import io.helixstack.domain.Event;
import io.helixstack.plugin.api.Artifact;
import io.helixstack.plugin.api.Instance;
import io.helixstack.plugin.api.RuntimeDriver;
import io.helixstack.store.Store;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a start of the control plane (or a crash) and a restart of a runtime process leave to mend: live deployments are
 * served again, from the instances that outlived the stop or from new ones; deployments caught mid-way resume from their
 * last finished step, once. Part of the {@link DeploymentOrchestrator}: it builds and releases through it and changes
 * what is served through the switch.
 */
final class Recovery {
    private static final Logger log = LoggerFactory.getLogger(Recovery.class);

    private final DeploymentOrchestrator orchestrator;
    private final Store store;
    private final InstanceLauncher launcher;
    private final RouteSwitch routes;
    private final ServingState serving;
    private final RuntimeTargets targets;
    private final ExecutorService workers;
    private final Clock clock;
    private final DeploymentOrchestrator.Builds building;

    Recovery(DeploymentOrchestrator orchestrator, Store store, InstanceLauncher launcher, RouteSwitch routes,
             RuntimeTargets targets, ExecutorService workers, Clock clock, DeploymentOrchestrator.Builds building) {
        this.orchestrator = orchestrator;
        this.store = store;
        this.launcher = launcher;
        this.routes = routes;
        this.serving = routes.serving();
        this.targets = targets;
        this.workers = workers;
        this.clock = clock;
        this.building = building;
    }

    /**
     * After a start (or a crash): live deployments get instances and routes again, static deployments answer on their own
     * hosts again, and deployments caught mid-way resume where they can — a queued or half-built one is built again, a
     * built or half-started one is released again — once: a deployment interrupted a second time fails with the reason.
     */
    void recover() {
        int stale = store.instances().markAllStopped();
        // Builds on the bus belong to the build workers: a worker that died leaves its event to another (BuildWorker).
        Set<DeploymentState> ours = building == DeploymentOrchestrator.Builds.HERE ? DeploymentBuilder.IN_FLIGHT
                : EnumSet.of(DeploymentState.BUILT, DeploymentState.DEPLOYING);
        if (building == DeploymentOrchestrator.Builds.HERE) {
            store.builds().failRunning("interrupted: HelixStack stopped during the build");
        }
        List<Deployment> resumable = new java.util.ArrayList<>();
        for (Deployment d : store.deployments().listInStates(ours)) {
            if (store.deployments().resumed(d.id()) > DeploymentOrchestrator.MAX_RESUMES) {
                String reason = "interrupted again: HelixStack stopped while this deployment was " + d.state().wireName()
                        + ", after resuming it once already; deploy again";
                store.deployments().transition(d.id(), DeploymentBuilder.IN_FLIGHT, DeploymentState.FAILED, reason,
                        new Event.DeploymentFailed(d.id(), reason, clock.instant()));
            } else {
                resumable.add(d);
            }
        }
        List<Deployment> live = store.deployments().listInStates(Set.of(DeploymentState.LIVE));
        routes.carryOver(!live.isEmpty());
        if (live.isEmpty()) {
            // Nothing to restore: the delivery plane gets this control plane's table now, not a table kept from before.
            routes.lock();
            try {
                routes.publish();
            } finally {
                routes.unlock();
            }
        }
        java.util.concurrent.atomic.AtomicInteger restoring = new java.util.concurrent.atomic.AtomicInteger(live.size());
        for (Deployment d : live) {
            workers.submit(() -> {
                try {
                    orchestrator.guarded(d.id(), () -> restoreLive(d));
                } finally {
                    if (restoring.decrementAndGet() == 0) {
                        routes.endCarryOver();
                    }
                }
            });
        }
        for (Deployment d : store.deployments().listInStates(Set.of(DeploymentState.SUPERSEDED, DeploymentState.ROLLED_BACK))) {
            orchestrator.artifactOf(d).filter(a -> a.metadata().kind() == ArtifactKind.STATIC).ifPresent(a -> {
                routes.lock();
                try {
                    serving.put(launcher.staticServed(d, a));
                    routes.publish();
                } finally {
                    routes.unlock();
                }
            });
        }
        // Live deployments are served again first; what was mid-way resumes after, in the order it was asked for.
        resumable.sort(java.util.Comparator.comparing(Deployment::createdAt));
        for (Deployment d : resumable) {
            workers.submit(() -> resume(d));
        }
        log.atInfo().addKeyValue("staleInstances", stale).addKeyValue("resumed", resumable.size()).log("Recovered deployments");
    }

    /** Picks an interrupted deployment up again from the last step it had finished. */
    private void resume(Deployment d) {
        Application app = store.applications().byId(d.applicationId()).orElseThrow();
        orchestrator.guarded(d.id(), () -> {
            switch (d.state()) {
                case QUEUED, BUILDING -> {
                    if (d.state() == DeploymentState.BUILDING && !store.deployments().transition(d.id(),
                            Set.of(DeploymentState.BUILDING), DeploymentState.QUEUED, null, null)) {
                        return;
                    }
                    launcher.note(d, "Resuming " + d.label() + " after a HelixStack restart: building it again");
                    orchestrator.buildAndRelease(app, d);
                }
                case BUILT, DEPLOYING -> {
                    Optional<Artifact> artifact = orchestrator.artifactOf(d);
                    if (artifact.isEmpty()) {
                        orchestrator.fail(d.id(), "interrupted: HelixStack stopped while this deployment was " + d.state().wireName()
                                + ", and its artifact is gone; deploy again");
                        return;
                    }
                    if (d.state() == DeploymentState.DEPLOYING && !store.deployments().transition(d.id(),
                            Set.of(DeploymentState.DEPLOYING), DeploymentState.BUILT, null, null)) {
                        return;
                    }
                    launcher.note(d, "Resuming " + d.label() + " after a HelixStack restart: starting its instances again");
                    orchestrator.release(app, d.id(), artifact.get(), false, DeploymentState.BUILT);
                }
                default -> { }
            }
        });
    }

    /**
     * The runtime {@code driver}'s process started again: a deployment it served whose instances the new process took
     * over (they outlive a killed runtime process) keeps them; one whose instances are gone gets new ones there, as a
     * restart does. In the background.
     */
    void instancesLost(RuntimeDriver driver) {
        try {
            // What the restarted runtime took over and nobody here adopts below (a launch its death interrupted) is stopped.
            driver.expectAdoption();
        } catch (RuntimeException e) {
            log.atWarn().log("Could not tell the restarted runtime plane a control plane is adopting: {}", e.getMessage());
        }
        Map<UUID, Map<String, Set<String>>> served = new java.util.HashMap<>();
        for (ServingState.Served s : orchestrator.servedByRegion()) {
            Set<String> ids = s.instances().stream().filter(i -> launcher.driver(i) == driver).map(Instance::id)
                    .collect(java.util.stream.Collectors.toSet());
            if (!ids.isEmpty()) {
                served.computeIfAbsent(s.deploymentId(), id -> new java.util.HashMap<>()).put(s.region(), ids);
            }
        }
        served.forEach((id, byRegion) -> store.deployments().find(id).ifPresent(d -> workers.submit(() -> {
            Set<String> kept = keptBy(driver, d);
            Set<String> lost = byRegion.entrySet().stream().filter(e -> !kept.containsAll(e.getValue())).map(Map.Entry::getKey)
                    .collect(java.util.stream.Collectors.toSet());
            if (lost.isEmpty()) {
                launcher.note(d, "The runtime plane running " + d.label() + " started again and took its instances over:"
                        + " they kept serving");
                return;
            }
            Application app = store.applications().byId(d.applicationId()).orElseThrow();
            launcher.note(d, "The runtime plane running " + d.label() + " started again without its instances: starting"
                    + " them again");
            Optional<String> failure = orchestrator.replaceInstances(app, d, lost);
            launcher.note(d, failure.map(f -> "Could not start " + d.label() + " again: " + f)
                    .orElse("Serving " + d.label() + " again on the restarted runtime plane"));
        })));
    }

    /** The ids of the deployment's instances the driver still runs (and now counts as claimed); none when unreachable. */
    private static Set<String> keptBy(RuntimeDriver driver, Deployment d) {
        try {
            return driver.adopt(d.id()).stream().map(Instance::id).collect(java.util.stream.Collectors.toSet());
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("deployment", d.id()).log("Could not ask the restarted runtime plane for its instances: {}",
                    e.getMessage());
            return Set.of();
        }
    }

    /**
     * Serves a live deployment again after a start: in each region, what its instances there still run (a cluster's pods
     * outlive the platform; a runtime process outlives a control process), or new instances; regions rolled back to
     * another deployment get that one.
     */
    private void restoreLive(Deployment d) {
        Application app = store.applications().byId(d.applicationId()).orElseThrow();
        Map<String, UUID> rolledBack = store.deployments().rolledBackRegions(app.id(), d.environment());
        List<ServingState.Served> restored = new java.util.ArrayList<>();
        List<Instance> leftovers = new java.util.ArrayList<>();
        boolean replaced = restoreLive(d, app, rolledBack, restored, leftovers);
        // What was left of an incomplete set of instances served through the carried-over table until now: it goes once
        // something else serves; if nothing could be started it keeps answering what it can.
        if (!leftovers.isEmpty()) {
            if (replaced) {
                workers.submit(() -> orchestrator.drainAndStop(leftovers));
            } else {
                launcher.note(d, "Left the remaining instances of " + d.label() + " running: none could be started again");
            }
        }
    }

    /** True when the deployment, or one promoted since the start, now serves. */
    private boolean restoreLive(Deployment d, Application app, Map<String, UUID> rolledBack, List<ServingState.Served> restored,
                                List<Instance> leftovers) {
        for (RuntimeTargets.Target region : targets.of(app.id())) {
            Deployment which = Optional.ofNullable(rolledBack.get(region.region())).flatMap(store.deployments()::find).orElse(d);
            Optional<Artifact> artifact = orchestrator.artifactOf(which);
            if (artifact.isEmpty()) {
                launcher.note(which, "Could not serve " + which.label() + " in " + region.region() + " after a HelixStack restart:"
                        + " its artifact " + which.artifactDigest() + " is no longer stored");
                continue;
            }
            InstanceLauncher.Adoption adoption = launcher.adopt(which, artifact.get(), region);
            leftovers.addAll(adoption.leftovers());
            Optional<ServingState.Served> adopted = adoption.served();
            InstanceLauncher.Launch launch = adopted.<InstanceLauncher.Launch>map(InstanceLauncher.Launch.Started::new)
                    .orElseGet(() -> launcher.launch(which, artifact.get(), orchestrator.envOf(app, which), false, region));
            switch (launch) {
                case InstanceLauncher.Launch.Started s -> restored.add(s.served());
                case InstanceLauncher.Launch.Failed f -> launcher.note(which, "Could not start " + which.label() + " in "
                        + region.region() + " after a HelixStack restart: " + f.reason());
            }
            if (!restored.isEmpty() && restored.getLast().region().equals(ServingState.EVERYWHERE)) {
                break; // static files: the delivery plane serves them in every region
            }
        }
        if (restored.isEmpty()) {
            return false;
        }
        boolean overtaken;
        routes.lock();
        try {
            // A deployment promoted since the start is newer than what the database said live at recovery; a preview removed
            // meanwhile is live no more.
            overtaken = serving.live(d.app(), d.environment()).isPresent() || store.deployments().find(d.id())
                    .map(now -> now.state() != DeploymentState.LIVE).orElse(true);
            if (!overtaken) {
                restored.forEach(serving::put);
                serving.makeLive(d.app(), d.environment(), d.id());
                rolledBack.forEach((region, id) -> {
                    if (!id.equals(d.id()) && serving.get(id, region).isPresent()) {
                        serving.rollBack(d.app(), d.environment(), Set.of(region), id);
                    }
                });
                routes.publish();
                restored.forEach(launcher::promote);
            }
        } finally {
            routes.unlock();
        }
        if (overtaken) {
            restored.forEach(r -> launcher.stop(r.instances()));
            return true;
        }
        launcher.note(d, "Serving " + d.label() + " again after a HelixStack restart"
                + (rolledBack.isEmpty() ? "" : " (regions rolled back: " + String.join(", ", new java.util.TreeSet<>(rolledBack.keySet())) + ")"));
        return true;
    }
}
