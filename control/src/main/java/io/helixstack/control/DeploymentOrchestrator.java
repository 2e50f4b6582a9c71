package io.helixstack.control;

import io.helixstack.domain.Application;
import io.helixstack.domain.ArtifactKind;
import io.helixstack.domain.ArtifactMetadata;
import io.helixstack.domain.Deployment;
import io.helixstack.domain.DeploymentState;
import io.helixstack.domain.Event;
import io.helixstack.domain.Source;
import io.helixstack.plugin.api.Artifact;
import io.helixstack.plugin.api.BuildService;
import io.helixstack.plugin.api.DeliveryProvider;
import io.helixstack.plugin.api.EventBus;
import io.helixstack.plugin.api.Subscription;
import io.helixstack.plugin.api.Instance;
import io.helixstack.plugin.api.RuntimeDriver;
import io.helixstack.store.Store;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives deployments through their lifecycle: build, start instances, wait for health, switch traffic, drain the old.
 * The switch follows kamal-proxy's order: new instances are started and health-checked outside any lock; only the route
 * swap and its record happen under the lock; old instances are drained after it. Rollback and restart never build.
 */
public final class DeploymentOrchestrator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeploymentOrchestrator.class);
    /** How often a deployment interrupted by a platform stop is resumed before it is failed instead. */
    static final int MAX_RESUMES = 1;
    /** The durable bus consumer that releases what build workers built (when builds run elsewhere). */
    public static final String RELEASES_CONSUMER = "releases";

    /** Where deployments are built. */
    public enum Builds {
        /** In this process, right after the deployment is recorded (one process runs every plane). */
        HERE,
        /**
         * By build workers ({@link BuildWorker}) that take the deployment's {@code deployment.*.requested} event off the
         * bus; {@link #releaseBuilt} picks up their {@code deployment.built}.
         */
        ON_THE_BUS
    }

    private final Store store;
    private final BuildService builds;
    private final DeploymentBuilder builder;
    private final Builds building;
    private final DeliveryProvider delivery;
    private final ControlConfig config;
    private final Clock clock;
    private final InstanceLauncher launcher;
    private final ManagedDatabases databases;
    private final RuntimeTargets targets;
    private final ExecutorService workers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("deploy-", 0).factory());
    /** The switch: every read or change of {@code serving} holds its lock. */
    private final RouteSwitch routes;
    private final Recovery recovery;
    private final ServingState serving;

    public DeploymentOrchestrator(Store store, BuildService builds, RuntimeDriver runtime, DeliveryProvider delivery,
                                  PlatformLog platformLog, ControlConfig config, Clock clock) {
        this(store, builds, new RuntimeTargets(runtime), delivery, platformLog, config, clock, ManagedDatabases.NONE);
    }

    public DeploymentOrchestrator(Store store, BuildService builds, RuntimeDriver runtime, DeliveryProvider delivery,
                                  PlatformLog platformLog, ControlConfig config, Clock clock, ManagedDatabases databases) {
        this(store, builds, new RuntimeTargets(runtime), delivery, platformLog, config, clock, databases);
    }

    /** @param targets where each application's instances run (the local runtime unless it was upgraded to a cluster) */
    public DeploymentOrchestrator(Store store, BuildService builds, RuntimeTargets targets, DeliveryProvider delivery,
                                  PlatformLog platformLog, ControlConfig config, Clock clock, ManagedDatabases databases) {
        this(store, builds, targets, delivery, platformLog, config, clock, databases, Builds.HERE);
    }

    /** @param building where deployments are built: here, or by build workers on the bus */
    public DeploymentOrchestrator(Store store, BuildService builds, RuntimeTargets targets, DeliveryProvider delivery,
                                  PlatformLog platformLog, ControlConfig config, Clock clock, ManagedDatabases databases,
                                  Builds building) {
        this.building = building;
        this.builder = new DeploymentBuilder(store, builds, clock);
        this.targets = targets;
        this.databases = databases;
        this.store = store;
        this.builds = builds;
        this.delivery = delivery;
        this.routes = new RouteSwitch(delivery, config);
        this.serving = routes.serving();
        this.config = config;
        this.clock = clock;
        this.launcher = new InstanceLauncher(store, targets, platformLog, config, databases);
        this.recovery = new Recovery(this, store, launcher, routes, targets, workers, clock, building);
    }

    /** Records a queued production deployment of {@code source} and starts building it in the background. */
    public Deployment deploy(Application app, Source source, String trigger) {
        return deploy(app, Deployment.PRODUCTION, source, trigger);
    }

    /**
     * Records a queued deployment to {@code environment} ({@code production}, or {@code preview/<n>} for pull request n)
     * and starts building it in the background — here, or, when builds run elsewhere, the deployment's
     * {@code deployment.*.requested} event (written with it) is the build workers' request. A newer deployment of the same
     * environment supersedes an older one.
     */
    public Deployment deploy(Application app, String environment, Source source, String trigger) {
        Deployment d = store.deployments().create(app, environment, source, trigger);
        if (building == Builds.HERE) {
            workers.submit(() -> buildAndRelease(app, d));
        }
        return d;
    }

    /**
     * Subscribes the {@code releases} consumer: every {@code deployment.built} a build worker records is released here (its
     * instances started, health-gated, promoted). Only deployments still {@code built} are released, so a redelivered
     * event, or one recovery resumed already, has no second effect.
     */
    public Subscription releaseBuilt(EventBus bus) {
        return bus.subscribe(RELEASES_CONSUMER, Set.of(Event.DeploymentBuilt.class), delivery -> {
            Optional<Deployment> d = store.deployments().find(delivery.event().deploymentId())
                    .filter(found -> found.state() == DeploymentState.BUILT);
            if (d.isEmpty()) {
                return;
            }
            Application app = store.applications().byId(d.get().applicationId()).orElseThrow();
            guarded(d.get().id(), () -> artifactOf(d.get()).ifPresentOrElse(
                    artifact -> release(app, d.get().id(), artifact, false, DeploymentState.BUILT),
                    () -> fail(d.get().id(), "its artifact " + d.get().artifactDigest() + " is not in this server's artifact store"
                            + " (expected: build workers and the control plane share HELIX_HOME/build)")));
        });
    }

    /**
     * Tears a pull request's preview down: its host stops answering at once, its instances drain and stop in the
     * background, its deployment is recorded as superseded with {@code reason} (history and logs are kept). Idempotent.
     *
     * @return the deployment that was serving the preview, if any
     */
    public Optional<UUID> removePreview(Application app, int pullRequest, String reason) {
        return removePreview(app, Deployment.previewEnvironment(pullRequest), reason);
    }

    /** As {@link #removePreview(Application, int, String)} for any preview environment, e.g. a deleted branch's. */
    public Optional<UUID> removePreview(Application app, String environment, String reason) {
        if (Deployment.PRODUCTION.equals(environment)) {
            throw new IllegalArgumentException("production is not a preview (expected: preview/<n> or branch/<name>)");
        }
        String name = app.name().value();
        List<ServingState.Served> removed = new java.util.ArrayList<>();
        Optional<UUID> stored;
        routes.lock();
        try {
            stored = store.deployments().removePreview(app.id(), name, environment, reason);
            serving.removeLive(name, environment).forEach(id -> removed.addAll(serving.remove(id)));
            Set<UUID> gone = new java.util.HashSet<>();
            stored.ifPresent(gone::add);
            removed.forEach(r -> gone.add(r.deploymentId()));
            routes.dropCarriedOver(gone);
            routes.publish();
        } finally {
            routes.unlock();
        }
        // The host answers no more from here on; in-flight requests finish on the worker, not in the caller's request.
        // The preview's databases go once its instances are stopped (they hold connections to them).
        workers.submit(() -> {
            removed.stream().filter(r -> !r.instances().isEmpty()).forEach(this::drainAndStop);
            try {
                databases.dropEnvironment(app.id(), environment);
            } catch (RuntimeException e) {
                log.atWarn().setCause(e).addKeyValue("app", name).addKeyValue("environment", environment)
                        .log("Could not drop the preview's databases");
            }
        });
        stored.flatMap(store.deployments()::find).ifPresent(d -> launcher.note(d, "Preview " + d.label() + " removed: " + reason));
        log.atInfo().addKeyValue("app", name).addKeyValue("environment", environment).addKeyValue("reason", reason)
                .log("Preview removed");
        return stored.or(() -> removed.stream().map(ServingState.Served::deploymentId).findFirst());
    }

    /**
     * Promotes an earlier deployment's artifact again, without a build.
     *
     * @throws io.helixstack.store.ConflictException when the target is already live or has no artifact
     */
    public Deployment rollback(Application app, Deployment target) {
        String digest = Rollbacks.checkTarget(target);
        Artifact artifact = builds.artifact(digest).orElseThrow(() -> new io.helixstack.store.ConflictException(
                target.label() + ": its artifact " + digest + " is no longer stored (expected: a deployment whose artifact exists)"));
        DeploymentState before = target.state();
        if (!store.deployments().transition(target.id(), Set.of(before), DeploymentState.DEPLOYING, null, null)) {
            throw new io.helixstack.store.ConflictException(target.label() + " changed state meanwhile; try again");
        }
        workers.submit(() -> guarded(target.id(), () -> release(app, target.id(), artifact, true, before)));
        return store.deployments().find(target.id()).orElseThrow();
    }

    /**
     * Rolls only some regions of the deployment's environment back to it (or, when it is the live deployment, forward to
     * it again): its instances start in those regions, then those regions' traffic switches to them and what served
     * there before drains; the other regions stay on what they serve. Naming every region is a full rollback.
     *
     * @throws io.helixstack.domain.InvalidInputException for a region the application does not run in
     * @throws io.helixstack.store.ConflictException when the target has no artifact, or serves those regions already
     */
    public Deployment rollback(Application app, Deployment target, Set<String> regions) {
        List<RuntimeTargets.Target> all = targets.of(app.id());
        List<String> known = all.stream().map(RuntimeTargets.Target::region).toList();
        for (String region : regions) {
            if (!known.contains(region)) {
                throw new io.helixstack.domain.InvalidInputException("region: \"" + region + "\" (expected: one of "
                        + String.join(", ", known) + ", where " + app.name() + " runs)");
            }
        }
        if (regions.isEmpty() || regions.containsAll(known)) {
            return rollback(app, target);
        }
        if (target.artifactDigest() == null || !target.state().isSettled() || target.state() == DeploymentState.FAILED) {
            throw new io.helixstack.store.ConflictException(target.label() + " has no artifact to promote (it is "
                    + target.state().wireName() + ")");
        }
        Artifact artifact = builds.artifact(target.artifactDigest()).orElseThrow(() -> new io.helixstack.store.ConflictException(
                target.label() + ": its artifact " + target.artifactDigest() + " is no longer stored"));
        boolean liveStatic = store.applications().liveDeployment(app.id(), target.environment()).flatMap(store.deployments()::find)
                .flatMap(this::artifactOf).map(a -> a.metadata().kind() == ArtifactKind.STATIC).orElse(false);
        if (artifact.metadata().kind() == ArtifactKind.STATIC || liveStatic) {
            throw new io.helixstack.store.ConflictException("static files are served by the delivery plane in every region"
                    + " (expected: a rollback without regions)");
        }
        routes.lock();
        try {
            if (serving.live(target.app(), target.environment()).isEmpty()) {
                throw new io.helixstack.store.ConflictException(target.environment() + " serves nothing to roll back from"
                        + " (expected: a live deployment)");
            }
            List<String> already = regions.stream().filter(r -> serving.liveIn(target.app(), target.environment(), r)
                    .equals(Optional.of(target.id()))).sorted().toList();
            if (!already.isEmpty()) {
                throw new io.helixstack.store.ConflictException(target.label() + " serves " + String.join(", ", already)
                        + " already (expected: regions that serve another deployment)");
            }
        } finally {
            routes.unlock();
        }
        List<RuntimeTargets.Target> scoped = all.stream().filter(t -> regions.contains(t.region())).toList();
        workers.submit(() -> {
            try {
                rollBackRegions(app, target, artifact, scoped);
            } catch (RuntimeException e) {
                log.atError().setCause(e).addKeyValue("deployment", target.id()).log("Regional rollback failed unexpectedly");
                launcher.note(target, "Rollback of " + String.join(", ", regions) + " to " + target.label() + " failed: " + e);
            }
        });
        return target;
    }

    private void rollBackRegions(Application app, Deployment target, Artifact artifact, List<RuntimeTargets.Target> regions) {
        Set<String> names = new java.util.TreeSet<>(regions.stream().map(RuntimeTargets.Target::region).toList());
        InstanceLauncher.Placement placed = launcher.launchIn(target, artifact, envOf(app, target), false, regions);
        if (placed instanceof InstanceLauncher.Placement.Failed f) {
            String reason = "rollback of " + String.join(", ", names) + " failed: " + f.reason() + "; those regions keep serving"
                    + " what they served";
            // Recorded on the target as a full rollback's failure is: its state stays, the reason says what happened.
            store.deployments().find(target.id()).ifPresent(now -> store.deployments().restoreState(target.id(), now.state(), reason));
            launcher.note(target, "R" + reason.substring(1));
            return;
        }
        List<ServingState.Served> next = ((InstanceLauncher.Placement.Started) placed).served();
        List<ServingState.Served> replaced = new java.util.ArrayList<>();
        routes.lock();
        try {
            Optional<UUID> live = serving.live(target.app(), target.environment());
            try {
                store.deployments().rollBackRegions(target.id(), names, live.orElse(null));
            } catch (RuntimeException e) {
                next.forEach(n -> launcher.stop(n.instances()));
                throw e;
            }
            Map<String, UUID> before = serving.rollBack(target.app(), target.environment(), names, target.id());
            for (ServingState.Served n : next) {
                serving.get(target.id(), n.region()).ifPresent(replaced::add);
                UUID previous = before.get(n.region());
                if (previous != null && !previous.equals(target.id())) {
                    serving.remove(previous, n.region()).ifPresent(replaced::add);
                }
                serving.put(n);
            }
            routes.publish();
            next.forEach(launcher::promote);
        } finally {
            routes.unlock();
        }
        launcher.note(target, "Rolled " + String.join(", ", names) + " back to " + target.label() + "; the other regions keep"
                + " serving what they served");
        log.atInfo().addKeyValue("deployment", target.id()).addKeyValue("regions", names).log("Rolled back regions");
        replaced.stream().filter(r -> !r.instances().isEmpty()).forEach(this::drainAndStop);
    }

    /** New instances of the live deployment with the current environment; the old ones drain once the new are healthy. */
    public Deployment restart(Application app, Deployment live) {
        store.deployments().restartRequested(live.id());
        workers.submit(() -> {
            try {
                restartNow(app, live);
            } catch (RuntimeException e) {
                log.atError().setCause(e).addKeyValue("deployment", live.id()).log("Restart failed unexpectedly");
                store.deployments().restartFinished(live.id(), "restart failed: " + e.getMessage());
            }
        });
        return live;
    }

    /**
     * After a start (or a crash): live deployments get instances and routes again, static deployments answer on their own
     * hosts again, and deployments caught mid-way resume where they can — a queued or half-built one is built again, a
     * built or half-started one is released again — once: a deployment interrupted a second time fails with the reason.
     */
    public void recover() {
        recovery.recover();
    }

    void buildAndRelease(Application app, Deployment d) {
        guarded(d.id(), () -> builder.build(app, d).ifPresent(artifact -> release(app, d.id(), artifact, false, DeploymentState.BUILT)));
    }

    /**
     * Starts the deployment's instances in every region, waits for health, then switches traffic to it everywhere and
     * drains what it replaces (the previous live deployment, and what rolled-back regions served).
     */
    void release(Application app, UUID deploymentId, Artifact artifact, boolean rollback, DeploymentState before) {
        if (!rollback && !store.deployments().transition(deploymentId, Set.of(DeploymentState.BUILT), DeploymentState.DEPLOYING, null, null)) {
            return;
        }
        Deployment d = store.deployments().find(deploymentId).orElseThrow();
        InstanceLauncher.Placement placed = launcher.launchIn(d, artifact, envOf(app, d), !rollback, targets.of(app.id()));
        if (placed instanceof InstanceLauncher.Placement.Failed f) {
            if (rollback) {
                store.deployments().restoreState(deploymentId, before, "rollback failed: " + f.reason());
            } else {
                fail(deploymentId, f.reason() + "; " + (Deployment.PRODUCTION.equals(d.environment()) ? "production" : d.environment())
                        + " still serves the previous deployment");
            }
            return;
        }
        List<ServingState.Served> next = ((InstanceLauncher.Placement.Started) placed).served();
        List<ServingState.Served> replaced = new java.util.ArrayList<>();
        routes.lock();
        try {
            Optional<Deployment> current = serving.live(d.app(), d.environment()).flatMap(store.deployments()::find);
            if (!rollback && current.isPresent() && current.get().number() > d.number() && current.get().state() == DeploymentState.LIVE) {
                // A newer deployment went live while this one was starting: it must not take traffic back.
                String reason = "a newer deployment (" + current.get().label() + ") went live first";
                store.deployments().transition(deploymentId, Set.of(DeploymentState.DEPLOYING), DeploymentState.SUPERSEDED, reason,
                        new Event.DeploymentFailed(deploymentId, reason, clock.instant()));
                replaced.addAll(next);
            } else {
                // The record first: if it cannot be written, nothing in memory or in the proxy has changed yet.
                try {
                    store.deployments().promote(deploymentId, rollback);
                } catch (RuntimeException e) {
                    next.forEach(n -> launcher.stop(n.instances()));
                    throw e;
                }
                // What this deployment still served somewhere (a region rolled back to it) gives way to its new instances.
                replaced.addAll(serving.remove(deploymentId));
                next.forEach(serving::put);
                for (UUID previous : serving.makeLive(d.app(), d.environment(), deploymentId)) {
                    if (!previous.equals(deploymentId)) {
                        // A static deployment keeps answering on its own host; instances drain and stop.
                        serving.get(previous).stream().filter(old -> !old.instances().isEmpty()).forEach(old -> {
                            serving.remove(old.deploymentId(), old.region());
                            replaced.add(old);
                        });
                    }
                }
                routes.publish();
                next.forEach(launcher::promote);
                launcher.note(d, (rollback ? "Rolled back to " : "Promoted ") + d.label() + ": " + config.url(config.environmentHost(d.app(), d.environment()))
                        + " now serves it");
                log.atInfo().addKeyValue("deployment", deploymentId).addKeyValue("app", d.app()).addKeyValue("rollback", rollback)
                        .log("Promoted");
            }
        } finally {
            routes.unlock();
        }
        replaced.stream().filter(r -> !r.instances().isEmpty()).forEach(this::drainAndStop);
    }

    private void restartNow(Application app, Deployment live) {
        Optional<String> failure = replaceInstances(app, live, null);
        // Regions rolled back to another deployment restart too: the new configuration reaches every region.
        Map<String, UUID> rolledBack;
        routes.lock();
        try {
            rolledBack = serving.rolledBack(live.app(), live.environment());
        } finally {
            routes.unlock();
        }
        for (UUID other : new java.util.HashSet<>(rolledBack.values())) {
            store.deployments().find(other).ifPresent(o -> replaceInstances(app, o, null).ifPresent(f -> launcher.note(o,
                    "Could not restart " + o.label() + " in its rolled-back regions: " + f)));
        }
        store.deployments().restartFinished(live.id(), failure.orElse(null));
        if (failure.isEmpty()) {
            launcher.note(live, "Restarted " + live.label() + " with the current environment");
        }
    }

    /**
     * New instances of a deployment take over from its current ones (which drain and stop) once they are ready, in the
     * regions it serves (all of them, or only {@code onlyRegions}).
     *
     * @return empty when they did, else why not, as a restart's failure reason
     */
    Optional<String> replaceInstances(Application app, Deployment d, Set<String> onlyRegions) {
        Optional<Artifact> artifact = artifactOf(d);
        if (artifact.isEmpty()) {
            return Optional.of("restart failed: artifact " + d.artifactDigest() + " is no longer stored");
        }
        List<String> regions;
        routes.lock();
        try {
            regions = serving.get(d.id()).stream().map(ServingState.Served::region).toList();
        } finally {
            routes.unlock();
        }
        List<RuntimeTargets.Target> where = regions.isEmpty() || regions.contains(ServingState.EVERYWHERE) ? targets.of(app.id())
                : targets.of(app.id()).stream().filter(t -> regions.contains(t.region())
                        && (onlyRegions == null || onlyRegions.contains(t.region()))).toList();
        if (where.isEmpty()) {
            return Optional.empty();
        }
        InstanceLauncher.Placement placed = launcher.launchIn(d, artifact.get(), envOf(app, d), false, where);
        if (placed instanceof InstanceLauncher.Placement.Failed f) {
            return Optional.of("restart failed: " + f.reason() + "; the previous instances keep serving");
        }
        List<ServingState.Served> fresh = ((InstanceLauncher.Placement.Started) placed).served();
        List<ServingState.Served> old = new java.util.ArrayList<>();
        List<ServingState.Served> unused = new java.util.ArrayList<>();
        routes.lock();
        try {
            for (ServingState.Served f : fresh) {
                Optional<ServingState.Served> current = serving.get(d.id(), f.region());
                // Only where it still serves: another deployment may have gone live there while the new instances started.
                if (serving.serves(d.id()) && (current.isPresent() || f.region().equals(ServingState.EVERYWHERE))) {
                    current.ifPresent(old::add);
                    serving.put(f);
                } else {
                    unused.add(f);
                }
            }
            routes.publish();
            fresh.stream().filter(f -> !unused.contains(f)).forEach(launcher::promote);
        } finally {
            routes.unlock();
        }
        unused.forEach(u -> launcher.stop(u.instances()));
        old.stream().filter(o -> !o.instances().isEmpty()).forEach(this::drainAndStop);
        return unused.size() == fresh.size() ? Optional.of("restart abandoned: another deployment went live meanwhile") : Optional.empty();
    }

    /**
     * The runtime {@code driver}'s process started again: a deployment it served whose instances the new process took
     * over (they outlive a killed runtime process) keeps them; one whose instances are gone gets new ones there, as a
     * restart does. In the background.
     */
    public void instancesLost(RuntimeDriver driver) {
        recovery.instancesLost(driver);
    }

    private void drainAndStop(ServingState.Served old) {
        drainAndStop(old.instances());
    }

    /** Waits (up to the drain timeout) for the requests in flight to the instances, then stops them. */
    void drainAndStop(List<Instance> instances) {
        boolean drained = delivery.drain(instances.stream().map(Instance::endpoint).toList(), config.drainTimeout());
        if (!drained) {
            log.atWarn().addKeyValue("instances", instances.size()).addKeyValue("timeout", config.drainTimeout())
                    .log("Requests still in flight after the drain timeout; stopping anyway");
        }
        launcher.stop(instances);
    }

    Optional<Artifact> artifactOf(Deployment d) {
        return Optional.ofNullable(d.artifactDigest()).flatMap(builds::artifact);
    }

    Map<String, String> envOf(Application app, Deployment d) {
        return DeploymentBuilder.environment(store, app, d);
    }

    void fail(UUID deploymentId, String reason) {
        builder.fail(deploymentId, reason);
    }

    /** Runs a step; an unexpected error fails the deployment with the error's message instead of leaving it hanging. */
    void guarded(UUID deploymentId, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            log.atError().setCause(e).addKeyValue("deployment", deploymentId).log("Deployment step failed unexpectedly");
            fail(deploymentId, "internal error: " + e);
        }
    }

    /**
     * Moves an application's live production deployment onto {@code target} (an upgrade): the same artifact and
     * configuration start there; only once every instance is ready does the route switch to it, under the switch lock,
     * and the application's later deployments go there too. The instances it ran on before drain and stop afterwards.
     *
     * @param record written under the switch lock before traffic moves (the upgrade's completion); if it fails, nothing moves
     * @return empty when traffic moved, else why not (the application keeps running where it was)
     */
    public Optional<String> moveTo(Application app, RuntimeTargets.Target target, Runnable record) {
        Optional<UUID> liveId = store.applications().liveDeployment(app.id(), Deployment.PRODUCTION);
        if (liveId.isEmpty()) {
            return Optional.of("the application has no live production deployment");
        }
        Deployment live = store.deployments().find(liveId.get()).orElseThrow();
        Optional<Artifact> artifact = artifactOf(live);
        if (artifact.isEmpty()) {
            return Optional.of("the artifact of " + live.label() + " is no longer stored");
        }
        InstanceLauncher.Launch launch = launcher.launch(live, artifact.get(), envOf(app, live), false, target);
        if (launch instanceof InstanceLauncher.Launch.Failed f) {
            return Optional.of(live.label() + " did not become ready on the cluster: " + f.reason());
        }
        ServingState.Served moved = ((InstanceLauncher.Launch.Started) launch).served();
        List<ServingState.Served> old = null;
        String refused = null;
        routes.lock();
        try {
            if (!serving.live(live.app(), live.environment()).equals(Optional.of(live.id()))) {
                refused = "another deployment went live while " + live.label() + " was starting on the cluster; try again";
            } else if (!serving.rolledBack(live.app(), live.environment()).isEmpty()) {
                refused = "regions " + new java.util.TreeSet<>(serving.rolledBack(live.app(), live.environment()).keySet())
                        + " are rolled back to another deployment (expected: every region on " + live.label()
                        + "; deploy or roll back everywhere first)";
            } else {
                // The record first: if it cannot be written, nothing in memory or in the proxy has changed yet.
                try {
                    record.run();
                } catch (RuntimeException e) {
                    launcher.stop(moved.instances());
                    return Optional.of("could not record the move: " + e.getMessage());
                }
                old = serving.remove(live.id());
                serving.put(moved);
                routes.publish();
                launcher.promote(moved);
                targets.move(app.id(), target);
            }
        } finally {
            routes.unlock();
        }
        if (refused != null) {
            launcher.stop(moved.instances());
            return Optional.of(refused);
        }
        old.stream().filter(o -> !o.instances().isEmpty()).forEach(this::drainAndStop);
        launcher.note(live, live.label() + " now runs on " + target.driver().name() + "; its URL is served from there");
        return Optional.empty();
    }

    /** The driver that runs an instance: the local runtime, or the cluster an upgraded application moved to. */
    public RuntimeDriver driverOf(Instance instance) {
        return launcher.driver(instance);
    }

    /** Where the application's instances run (for recovery after a restart). */
    public void useTarget(UUID applicationId, RuntimeTargets.Target target) {
        targets.move(applicationId, target);
    }

    /** What the orchestrator serves now (for the API and tests): the deployment's instances in every region. */
    public List<Instance> instancesOf(UUID deploymentId) {
        routes.lock();
        try {
            return serving.get(deploymentId).stream().flatMap(s -> s.instances().stream()).toList();
        } finally {
            routes.unlock();
        }
    }

    /** Every deployment served now, with its instances in all regions (none for a static one). */
    List<ServingState.Served> served() {
        Map<UUID, List<ServingState.Served>> byDeployment = new java.util.LinkedHashMap<>();
        servedByRegion().forEach(s -> byDeployment.computeIfAbsent(s.deploymentId(), id -> new java.util.ArrayList<>()).add(s));
        return byDeployment.values().stream().map(parts -> new ServingState.Served(parts.getFirst().deploymentId(),
                parts.getFirst().app(), parts.size() == 1 ? parts.getFirst().region() : ServingState.EVERYWHERE,
                parts.stream().flatMap(p -> p.instances().stream()).toList(), parts.getFirst().routes())).toList();
    }

    List<ServingState.Served> servedByRegion() {
        routes.lock();
        try {
            return serving.all();
        } finally {
            routes.unlock();
        }
    }

    /** One region of an environment: its name and the deployment it serves now (empty when it serves nothing yet). */
    public record RegionServing(String region, Optional<UUID> deploymentId, boolean rolledBack) {
    }

    /** The application's regions and what each serves of the environment now. */
    public List<RegionServing> regions(Application app, String environment) {
        routes.lock();
        try {
            Map<String, UUID> rolledBack = serving.rolledBack(app.name().value(), environment);
            return targets.of(app.id()).stream().map(t -> new RegionServing(t.region(),
                    serving.liveIn(app.name().value(), environment, t.region()), rolledBack.containsKey(t.region()))).toList();
        } finally {
            routes.unlock();
        }
    }

    /** Artifact metadata a deployment was built into, if it was. */
    public Optional<ArtifactMetadata> artifactMetadata(Deployment d) {
        return artifactOf(d).map(Artifact::metadata);
    }

    @Override
    public void close() {
        workers.shutdownNow();
        try {
            workers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
