package io.helixstack.control;

import io.helixstack.domain.Deployment;
import io.helixstack.manifest.DatabaseEndpoint;
import io.helixstack.manifest.DatabaseSpec;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The databases a manifest declares, provided per application and environment: production's persist across deployments;
 * each preview gets its own, dropped when the preview is torn down.
 */
public interface ManagedDatabases {
    /** Where nothing is configured to provide databases: a manifest that declares some cannot run. */
    ManagedDatabases NONE = new ManagedDatabases() {
        @Override
        public Map<String, DatabaseEndpoint> provision(Deployment deployment, List<DatabaseSpec> databases) {
            if (databases.isEmpty()) {
                return Map.of();
            }
            throw new ProvisionException("the manifest declares databases " + databases.stream().map(DatabaseSpec::name).toList()
                    + ", and managed databases are not configured on this HelixStack (expected: HELIX_MANAGED_POSTGRES set to embedded or to an admin URL)");
        }

        @Override
        public void dropEnvironment(UUID applicationId, String environment) {
        }
    };

    /**
     * The endpoint of each database for the deployment's environment, creating what is missing; idempotent.
     *
     * @throws ProvisionException with a reason fit for the deployment's log
     */
    Map<String, DatabaseEndpoint> provision(Deployment deployment, List<DatabaseSpec> databases);

    /** Drops the environment's databases (a preview torn down); production's are never dropped this way. Idempotent. */
    void dropEnvironment(UUID applicationId, String environment);

    /** Why databases could not be provided. */
    final class ProvisionException extends RuntimeException {
        public ProvisionException(String message) {
            super(message);
        }

        public ProvisionException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
