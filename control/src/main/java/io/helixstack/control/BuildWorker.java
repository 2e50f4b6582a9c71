package io.helixstack.control;

import io.helixstack.domain.Application;
import io.helixstack.domain.Deployment;
import io.helixstack.domain.DeploymentState;
import io.helixstack.domain.Event;
import io.helixstack.plugin.api.BuildService;
import io.helixstack.plugin.api.Delivery;
import io.helixstack.plugin.api.EventBus;
import io.helixstack.plugin.api.Subscription;
import io.helixstack.store.Store;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The build plane as a process of its own ({@code helix server --planes build}): the {@code builds} bus consumer. Every
 * requested deployment goes to one of the workers attached under that name (competing consumers, so two workers share
 * the builds); the worker claims it, builds it into the shared artifact store and records {@code deployment.built}, which
 * the control plane's {@code releases} consumer picks up.
 *
 * <p>A worker killed mid-build never acknowledges its event: the bus hands it to another worker once the dead one's lease
 * runs out. That worker finds the deployment still {@code building}, fails the dead worker's build record and builds it
 * again — once; a deployment whose build was interrupted twice fails with the reason.
 */
public final class BuildWorker {
    private static final Logger log = LoggerFactory.getLogger(BuildWorker.class);
    /** The durable consumer every build worker attaches under. */
    public static final String CONSUMER = "builds";

    private final Store store;
    private final DeploymentBuilder builder;

    public BuildWorker(Store store, BuildService builds, Clock clock) {
        this.store = store;
        this.builder = new DeploymentBuilder(store, builds, clock);
    }

    /**
     * How many build requests the bus may hand out at once across all workers (where it has such a limit: JetStream's
     * max-ack-pending): each worker holds one per subscriber and its build queue bounds what runs.
     */
    public static final int MAX_IN_FLIGHT = 64;

    /** The events that ask for a build: one per deployment, independent of each other. */
    public static final Set<Class<? extends Event>> EVENTS =
            Set.of(Event.ProductionDeploymentRequested.class, Event.PreviewDeploymentRequested.class);

    public Subscription subscribe(EventBus bus) {
        return bus.subscribe(CONSUMER, EVENTS, this::handle);
    }

    /** Builds the deployment the event asks for, unless it moved on; never throws (a failure fails the deployment). */
    public void handle(Delivery delivery) {
        Optional<Deployment> found = store.deployments().find(delivery.event().deploymentId());
        if (found.isEmpty()) {
            return;
        }
        Deployment d = found.get();
        switch (d.state()) {
            case QUEUED -> { }
            case BUILDING -> {
                if (!takeOver(d)) {
                    return;
                }
            }
            default -> {
                return; // built, released or failed already: a redelivery
            }
        }
        Application app = store.applications().byId(d.applicationId()).orElseThrow();
        try {
            builder.build(app, d);
        } catch (RuntimeException e) {
            log.atError().setCause(e).addKeyValue("deployment", d.id()).log("Build step failed unexpectedly");
            builder.fail(d.id(), "internal error: " + e);
        }
    }

    /**
     * The bus hands an event to one live worker at a time, so a deployment still building when its event comes again was
     * being built by a worker that stopped: its build is failed and the deployment queued again, unless that happened once
     * already.
     */
    private boolean takeOver(Deployment d) {
        store.builds().failRunning(d.id(), "interrupted: the build worker stopped during the build");
        if (store.deployments().resumed(d.id()) > DeploymentOrchestrator.MAX_RESUMES) {
            builder.fail(d.id(), "interrupted again: a build worker stopped while building this deployment, after it had been"
                    + " resumed once already; deploy again");
            return false;
        }
        log.atInfo().addKeyValue("deployment", d.id()).log("Taking over a build a stopped worker left");
        return store.deployments().transition(d.id(), Set.of(DeploymentState.BUILDING), DeploymentState.QUEUED, null, null);
    }
}
