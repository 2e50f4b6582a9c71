package io.helixstack.control;

import io.helixstack.domain.Hashes;
import io.helixstack.domain.Deployment;
import io.helixstack.manifest.DatabaseCredentials;
import io.helixstack.manifest.DatabaseEndpoint;
import io.helixstack.manifest.DatabaseSpec;
import io.helixstack.store.PostgresCluster;
import io.helixstack.store.Store;



import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Managed databases in a {@link PostgresCluster}: per application, environment and manifest database one database and
 * its own role ({@code helix_<app>_<db>} for production, {@code …_pr<n>} or {@code …_br_<branch>} for previews), so a
 * preview's code never holds production's credentials. Passwords are derived from the platform key, never stored.
 */
public final class PostgresManagedDatabases implements ManagedDatabases {
    private static final Logger log = LoggerFactory.getLogger(PostgresManagedDatabases.class);

    private static final java.util.Set<io.helixstack.domain.DeploymentState> ACTIVE = java.util.EnumSet.of(
            io.helixstack.domain.DeploymentState.QUEUED, io.helixstack.domain.DeploymentState.BUILDING,
            io.helixstack.domain.DeploymentState.BUILT, io.helixstack.domain.DeploymentState.DEPLOYING,
            io.helixstack.domain.DeploymentState.LIVE);

    /** What every database name starts with. */
    public static final String PREFIX = "helix_";

    private final java.util.function.Supplier<PostgresCluster> clusters;
    private final Store store;
    private final PlatformLog platformLog;
    private final String prefix;

    /** @param cluster called when a database is first needed: an embedded cluster starts only once an app asks for one */
    public PostgresManagedDatabases(java.util.function.Supplier<PostgresCluster> cluster, Store store, PlatformLog platformLog) {
        this(cluster, store, platformLog, PREFIX);
    }

    /** @param prefix what database names start with: lets tests share one cluster without meeting each other's databases */
    PostgresManagedDatabases(java.util.function.Supplier<PostgresCluster> cluster, Store store, PlatformLog platformLog, String prefix) {
        this.prefix = prefix;
        this.clusters = cluster;
        this.store = store;
        this.platformLog = platformLog;
    }

    @Override
    public Map<String, DatabaseEndpoint> provision(Deployment d, List<DatabaseSpec> databases) {
        Map<String, DatabaseEndpoint> endpoints = new LinkedHashMap<>();
        for (DatabaseSpec spec : databases) {
            if (spec.type() != DatabaseSpec.Type.POSTGRESQL) {
                throw new ProvisionException("databases." + spec.name() + ": type " + spec.type().manifestName()
                        + " is not managed here (expected: postgresql)");
            }
            String name = databaseName(prefix, d.applicationId(), d.app(), spec.name(), d.environment());
            String password = password(name);
            PostgresCluster cluster;
            try {
                cluster = clusters.get();
                PostgresCluster c = cluster;
                // One deployment at a time creates, copies into or drops a database.
                c.locked(name, () -> {
                    boolean created = !c.exists(name);
                    c.ensureDatabase(name, password);
                    store.managedDatabases().recorded(d.applicationId(), d.environment(), spec.name(), name);
                    if (created) {
                        platformLog.note(d.applicationId(), d.id(), "Created database " + spec.name() + " (" + name + ")");
                    }
                    // Copied while the database is still empty: a copy a crash cut short is made again.
                    if (!Deployment.PRODUCTION.equals(d.environment()) && spec.preview() == DatabaseSpec.PreviewData.SCHEMA
                            && c.isEmpty(name)) {
                        copyProductionSchema(c, d, spec, name, password);
                    }
                    return null;
                });
            } catch (ProvisionException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new ProvisionException("database " + spec.name() + ": " + e.getMessage(), e);
            }
            endpoints.put(spec.name(), new DatabaseEndpoint(DatabaseSpec.Type.POSTGRESQL, cluster.host(), cluster.port(),
                    DatabaseCredentials.forPostgresql(name, password, name)));
        }
        return endpoints;
    }

    private void copyProductionSchema(PostgresCluster cluster, Deployment d, DatabaseSpec spec, String name, String password) {
        String production = databaseName(prefix, d.applicationId(), d.app(), spec.name(), Deployment.PRODUCTION);
        if (!cluster.exists(production)) {
            platformLog.note(d.applicationId(), d.id(), "Database " + spec.name() + " starts empty: production has none yet");
            return;
        }
        try {
            cluster.copySchema(production, name, password);
            platformLog.note(d.applicationId(), d.id(), "Copied production's schema of " + spec.name() + " (no rows)");
        } catch (RuntimeException e) {
            // Half a schema is worse than none: drop it, so the next deployment of the preview tries again from scratch.
            cluster.drop(name);
            store.managedDatabases().forget(name);
            throw new ProvisionException("database " + spec.name() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void dropEnvironment(UUID applicationId, String environment) {
        if (Deployment.PRODUCTION.equals(environment)) {
            return;
        }
        // The preview may have come back while its old instances drained (a pull request reopened, a branch pushed
        // again): its new deployment uses these databases, which then stay.
        Optional<Deployment> latest = store.deployments().latestIn(applicationId, environment);
        if (latest.isPresent() && ACTIVE.contains(latest.get().state())) {
            log.atInfo().addKeyValue("environment", environment).addKeyValue("deployment", latest.get().label())
                    .log("Kept a preview's databases: a newer deployment of it uses them");
            return;
        }
        for (var db : store.managedDatabases().of(applicationId, environment)) {
            PostgresCluster cluster = clusters.get();
            cluster.locked(db.databaseName(), () -> {
                cluster.drop(db.databaseName());
                return null;
            });
            store.managedDatabases().forget(db.databaseName());
            log.atInfo().addKeyValue("database", db.databaseName()).addKeyValue("environment", environment).log("Dropped a preview's database");
        }
    }

    /**
     * {@code helix_<app>_<db>[_pr<n>|_br_<branch>]_<hash>}: readable, and unique by the hash of the application's id, the
     * database's name and the environment — {@code a-b}'s {@code c} and {@code a}'s {@code b-c} read alike but never meet.
     */
    static String databaseName(String prefix, UUID applicationId, String app, String database, String environment) {
        String suffix;
        if (Deployment.PRODUCTION.equals(environment)) {
            suffix = "";
        } else if (Deployment.pullRequestOf(environment) > 0) {
            suffix = "_pr" + Deployment.pullRequestOf(environment);
        } else if (Deployment.branchOf(environment) != null) {
            suffix = "_br_" + Deployment.branchOf(environment);
        } else {
            suffix = "_" + environment;
        }
        String readable = (prefix + app + "_" + database + suffix).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        String hash = Hashes.sha256Hex(applicationId + "|" + database + "|" + environment).substring(0, 10);
        return readable.substring(0, Math.min(readable.length(), 52)) + "_" + hash;
    }

    private String password(String databaseName) {
        return HexFormat.of().formatHex(store.derive("managed-db:" + databaseName)).substring(0, 40);
    }

}
