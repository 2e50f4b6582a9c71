package io.helixstack.bus;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** The bus's tables, migrated with a history of their own so they version apart from the store's. */
final class BusSchema {
    static final String NOTIFY_CHANNEL = "helix_bus";

    private BusSchema() {
    }

    /** Migrates {@code db/bus}; the store's migrations must have run (the bus hangs off its {@code events} table). */
    static void migrate(DataSource dataSource) {
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/bus")
                .table("bus_schema_history")
                // The schema already holds the store's tables; version 0 as baseline keeps V1 of the bus applied.
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
    }
}
