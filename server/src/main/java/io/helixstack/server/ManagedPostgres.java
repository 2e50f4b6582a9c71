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

    @Override
    public synchronized void close() {
        closed = true;
        if (cluster != null) {
            cluster.close();
        }
    }
}
