package io.helixstack.bus;

import io.helixstack.domain.Event;
import io.helixstack.domain.Event.BuildFailed;
import io.helixstack.domain.Event.ClusterProvisionRequested;
import io.helixstack.domain.Event.ClusterProvisionSucceeded;
import io.helixstack.domain.Event.UpgradeCompleted;
import io.helixstack.domain.Event.UpgradeFailed;
import io.helixstack.domain.Event.BuildRequested;
import io.helixstack.domain.Event.BuildSucceeded;
import io.helixstack.domain.Event.DeployPromoted;
import io.helixstack.domain.Event.DeploymentBuilt;
import io.helixstack.domain.Event.DeploymentFailed;
import io.helixstack.domain.Event.DeploymentRestartRequested;
import io.helixstack.domain.Event.DeploymentRolledBack;
import io.helixstack.domain.Event.DeploymentSucceeded;
import io.helixstack.domain.Event.PreviewDeploymentRequested;
import io.helixstack.domain.Event.PreviewRemoved;
import io.helixstack.domain.Event.ProductionDeploymentRequested;
import io.helixstack.plugin.api.Delivery;
import io.helixstack.plugin.api.EventHandler;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One handler per event type, dispatched by an exhaustive {@code switch} over the sealed catalogue. A new event type
 * adds a component here: this class and every {@code new EventDispatcher(...)} stop compiling until they say what to do
 * with it — handle it or {@link On#ignore()} it.
 *
 * <pre>{@code
 * EventDispatcher builds = new EventDispatcher(
 *         On.ignore(), On.ignore(), On.ignore(), On.ignore(), (e, d) -> buildService.start(e), On.ignore(), ...);
 * bus.subscribe("build-plane", builds.types(), builds);
 * }</pre>
 */
public record EventDispatcher(
        On<ProductionDeploymentRequested> productionDeploymentRequested,
        On<PreviewDeploymentRequested> previewDeploymentRequested,
        On<PreviewRemoved> previewRemoved,
        On<DeploymentRestartRequested> deploymentRestartRequested,
        On<BuildRequested> buildRequested,
        On<BuildSucceeded> buildSucceeded,
        On<BuildFailed> buildFailed,
        On<DeploymentBuilt> deploymentBuilt,
        On<DeployPromoted> deployPromoted,
        On<DeploymentSucceeded> deploymentSucceeded,
        On<DeploymentFailed> deploymentFailed,
        On<DeploymentRolledBack> deploymentRolledBack,
        On<ClusterProvisionRequested> clusterProvisionRequested,
        On<ClusterProvisionSucceeded> clusterProvisionSucceeded,
        On<UpgradeCompleted> upgradeCompleted,
        On<UpgradeFailed> upgradeFailed) implements EventHandler {

    /** The handler of one event type. */
    @FunctionalInterface
    public interface On<E extends Event> {
        void handle(E event, Delivery delivery) throws Exception;

        /** Acknowledges the event without doing anything; its type is left out of {@link EventDispatcher#types()}. */
        @SuppressWarnings("unchecked")
        static <E extends Event> On<E> ignore() {
            return (On<E>) Ignore.INSTANCE;
        }
    }

    private enum Ignore implements On<Event> {
        INSTANCE;

        @Override
        public void handle(Event event, Delivery delivery) {
        }
    }

    public EventDispatcher {
        Objects.requireNonNull(productionDeploymentRequested, "productionDeploymentRequested");
        Objects.requireNonNull(previewDeploymentRequested, "previewDeploymentRequested");
        Objects.requireNonNull(previewRemoved, "previewRemoved");
        Objects.requireNonNull(deploymentRestartRequested, "deploymentRestartRequested");
        Objects.requireNonNull(buildRequested, "buildRequested");
        Objects.requireNonNull(buildSucceeded, "buildSucceeded");
        Objects.requireNonNull(buildFailed, "buildFailed");
        Objects.requireNonNull(deploymentBuilt, "deploymentBuilt");
        Objects.requireNonNull(deployPromoted, "deployPromoted");
        Objects.requireNonNull(deploymentSucceeded, "deploymentSucceeded");
        Objects.requireNonNull(deploymentFailed, "deploymentFailed");
        Objects.requireNonNull(deploymentRolledBack, "deploymentRolledBack");
        Objects.requireNonNull(clusterProvisionRequested, "clusterProvisionRequested");
        Objects.requireNonNull(clusterProvisionSucceeded, "clusterProvisionSucceeded");
        Objects.requireNonNull(upgradeCompleted, "upgradeCompleted");
        Objects.requireNonNull(upgradeFailed, "upgradeFailed");
    }

    @Override
    public void handle(Delivery delivery) throws Exception {
        switch (delivery.event()) {
            case ProductionDeploymentRequested e -> productionDeploymentRequested.handle(e, delivery);
            case PreviewDeploymentRequested e -> previewDeploymentRequested.handle(e, delivery);
            case PreviewRemoved e -> previewRemoved.handle(e, delivery);
            case DeploymentRestartRequested e -> deploymentRestartRequested.handle(e, delivery);
            case BuildRequested e -> buildRequested.handle(e, delivery);
            case BuildSucceeded e -> buildSucceeded.handle(e, delivery);
            case BuildFailed e -> buildFailed.handle(e, delivery);
            case DeploymentBuilt e -> deploymentBuilt.handle(e, delivery);
            case DeployPromoted e -> deployPromoted.handle(e, delivery);
            case DeploymentSucceeded e -> deploymentSucceeded.handle(e, delivery);
            case DeploymentFailed e -> deploymentFailed.handle(e, delivery);
            case DeploymentRolledBack e -> deploymentRolledBack.handle(e, delivery);
            case ClusterProvisionRequested e -> clusterProvisionRequested.handle(e, delivery);
            case ClusterProvisionSucceeded e -> clusterProvisionSucceeded.handle(e, delivery);
            case UpgradeCompleted e -> upgradeCompleted.handle(e, delivery);
            case UpgradeFailed e -> upgradeFailed.handle(e, delivery);
        }
    }

    /** The types this dispatcher does something with: what to subscribe to. */
    public Set<Class<? extends Event>> types() {
        return handlers().entrySet().stream()
                .filter(e -> e.getValue() != Ignore.INSTANCE)
                .map(Map.Entry::getKey)
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Every handler by its event class; a test checks it covers the whole catalogue. */
    Map<Class<? extends Event>, On<?>> handlers() {
        Map<Class<? extends Event>, On<?>> all = new LinkedHashMap<>();
        all.put(ProductionDeploymentRequested.class, productionDeploymentRequested);
        all.put(PreviewDeploymentRequested.class, previewDeploymentRequested);
        all.put(PreviewRemoved.class, previewRemoved);
        all.put(DeploymentRestartRequested.class, deploymentRestartRequested);
        all.put(BuildRequested.class, buildRequested);
        all.put(BuildSucceeded.class, buildSucceeded);
        all.put(BuildFailed.class, buildFailed);
        all.put(DeploymentBuilt.class, deploymentBuilt);
        all.put(DeployPromoted.class, deployPromoted);
        all.put(DeploymentSucceeded.class, deploymentSucceeded);
        all.put(DeploymentFailed.class, deploymentFailed);
        all.put(DeploymentRolledBack.class, deploymentRolledBack);
        all.put(ClusterProvisionRequested.class, clusterProvisionRequested);
        all.put(ClusterProvisionSucceeded.class, clusterProvisionSucceeded);
        all.put(UpgradeCompleted.class, upgradeCompleted);
        all.put(UpgradeFailed.class, upgradeFailed);
        return all;
    }
}
