package io.helixstack.server;

import io.helixstack.store.PostgresCluster;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The managed PostgreSQL cluster, started (embedded) or connected (external URL) when the first app needs a database, so a
 * platform without such apps never runs a second server.
 */
final class ManagedPostgres implements Supplier<PostgresCluster>, AutoCloseable {
    private final String setting;
    private final Path dataDir;
    private PostgresCluster cluster;
    private boolean closed;

    /** @param setting {@code embedded} or an administrator's URL (see {@link HelixConfig#managedPostgres()}) */
    ManagedPostgres(String setting, Path dataDir) {
        this.setting = setting;
        this.dataDir = dataDir;
    }

    @Override
    public synchronized PostgresCluster get() {
        if (closed) {
            throw new IllegalStateException("HelixStack is stopping");
        }
        if (cluster == null) {
            cluster = HelixConfig.MANAGED_POSTGRES_EMBEDDED.equals(setting) ? PostgresCluster.embedded(dataDir)
                    : PostgresCluster.external(setting);
        }
        return cluster;
    }

    /**
     * Starts the embedded cluster now when an earlier run of the platform had started it: apps' instances that outlived
     * that run (a killed platform's are taken over) keep using it, at its old port, and this run stops it when it stops.
     */
    void resumeIfStartedBefore() {
        if (HelixConfig.MANAGED_POSTGRES_EMBEDDED.equals(setting)
                && java.nio.file.Files.isRegularFile(dataDir.resolveSibling(PostgresCluster.PORT_FILE))) {
            try {
                get();
            } catch (RuntimeException e) {
                // The next app that needs a database tries again and says why it cannot.
                org.slf4j.LoggerFactory.getLogger(ManagedPostgres.class).atWarn()
                        .log("Could not start the managed PostgreSQL again: {}", e.getMessage());
            }
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (cluster != null) {
            cluster.close();
        }
    }
}
