package io.helixstack.domain;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * The one catalogue of facts the planes exchange. Names follow the seed documents; {@link #type()} is the wire name
 * stored in the {@code events} outbox. A new event does not compile until every {@code switch} over it handles it.
 */
public sealed interface Event {
    UUID deploymentId();

    Instant at();

    /** The dotted wire name, e.g. {@code deploy.promoted}. */
    default String type() {
        return switch (this) {
            case ProductionDeploymentRequested e -> "deployment.production.requested";
            case PreviewDeploymentRequested e -> "deployment.preview.requested";
            case PreviewRemoved e -> "preview.removed";
            case DeploymentRestartRequested e -> "deployment.restart.requested";
            case BuildRequested e -> "build.requested";
            case BuildSucceeded e -> "build.succeeded";
            case BuildFailed e -> "build.failed";
            case DeploymentBuilt e -> "deployment.built";
            case DeployPromoted e -> "deploy.promoted";
            case DeploymentSucceeded e -> "deployment.succeeded";
            case DeploymentFailed e -> "deployment.failed";
            case DeploymentRolledBack e -> "deployment.rolled_back";
            case ClusterProvisionRequested e -> "cluster.provision.requested";
            case ClusterProvisionSucceeded e -> "cluster.provision.succeeded";
            case UpgradeCompleted e -> "upgrade.completed";
            case UpgradeFailed e -> "upgrade.failed";
        };
    }

    /** A deployment to production was asked for (an upload, a push to the linked branch, the API). */
    record ProductionDeploymentRequested(UUID deploymentId, String app, String label, String source, Instant at) implements Event {
        public ProductionDeploymentRequested {
            Objects.requireNonNull(deploymentId, "deploymentId");
        }
    }

    /** A pull request was opened or updated: its preview environment gets a new deployment. */
    record PreviewDeploymentRequested(UUID deploymentId, String app, String label, String source, int pullRequest, Instant at)
            implements Event {
        public PreviewDeploymentRequested {
            Objects.requireNonNull(deploymentId, "deploymentId");
        }
    }

    /**
     * A preview stopped serving: a pull request was closed or merged ({@code pullRequest} is its number), or a pushed
     * branch was deleted ({@code pullRequest} 0). {@code deploymentId} is the one that was live there (its history is kept).
     */
    record PreviewRemoved(UUID deploymentId, String app, String environment, int pullRequest, String reason, Instant at)
            implements Event {
    }

    record DeploymentRestartRequested(UUID deploymentId, String app, Instant at) implements Event {
    }

    record BuildRequested(UUID deploymentId, UUID buildId, String source, Instant at) implements Event {
    }

    record BuildSucceeded(UUID deploymentId, UUID buildId, String artifactDigest, Instant at) implements Event {
    }

    record BuildFailed(UUID deploymentId, UUID buildId, String reason, Instant at) implements Event {
    }

    record DeploymentBuilt(UUID deploymentId, String artifactDigest, Instant at) implements Event {
    }

    /** Traffic for the environment now goes to this deployment. */
    record DeployPromoted(UUID deploymentId, String app, String environment, UUID previousDeploymentId, Instant at) implements Event {
    }

    record DeploymentSucceeded(UUID deploymentId, Instant at) implements Event {
    }

    record DeploymentFailed(UUID deploymentId, String reason, Instant at) implements Event {
    }

    /**
     * An earlier deployment was promoted again; {@code from} is the one that was live. {@code regions} names the regions
     * rolled back when the rollback was scoped to some (the others stay on {@code from}); empty when it went everywhere.
     */
    record DeploymentRolledBack(UUID deploymentId, UUID from, String app, java.util.List<String> regions, Instant at)
            implements Event {
        public DeploymentRolledBack {
            regions = regions == null ? java.util.List.of() : java.util.List.copyOf(regions);
        }

        public DeploymentRolledBack(UUID deploymentId, UUID from, String app, Instant at) {
            this(deploymentId, from, app, java.util.List.of(), at);
        }
    }

    /**
     * An application is to move to a cluster ({@code POST /applications/{app}/upgrade}): its provider provisions or
     * adopts one. {@code deploymentId} is the live production deployment that moves.
     */
    record ClusterProvisionRequested(UUID deploymentId, UUID upgradeId, String app, String provider, String region, Instant at)
            implements Event {
    }

    /** The cluster of an upgrade exists and answers; the live deployment is being started there. */
    record ClusterProvisionSucceeded(UUID deploymentId, UUID upgradeId, String app, String clusterId, Instant at) implements Event {
    }

    /** The application now runs on the cluster ({@code backend}, e.g. {@code k3s}); traffic moved once it was healthy. */
    record UpgradeCompleted(UUID deploymentId, UUID upgradeId, String app, String backend, Instant at) implements Event {
    }

    /** The upgrade stopped; the application keeps running where it was. */
    record UpgradeFailed(UUID deploymentId, UUID upgradeId, String app, String reason, Instant at) implements Event {
    }
}
