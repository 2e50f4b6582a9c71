package io.helixstack.store;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** Which databases of the managed cluster belong to which application and environment. */
public final class ManagedDatabaseRepository {
    /** @param name the manifest's name of the database; {@code databaseName} the cluster's */
    public record ManagedDatabase(UUID applicationId, String environment, String name, String databaseName, Instant createdAt) {
    }

    private final Jdbi jdbi;
    private final Clock clock;

    ManagedDatabaseRepository(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** Records the database; a second call for the same one changes nothing. */
    public void recorded(UUID applicationId, String environment, String name, String databaseName) {
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into managed_databases (application_id, environment, name, database_name, created_at)
                        values (:a, :e, :n, :d, :now) on conflict do nothing""")
                .bind("a", applicationId).bind("e", environment).bind("n", name).bind("d", databaseName)
                .bind("now", clock.instant().atOffset(ZoneOffset.UTC)).execute());
    }

    public List<ManagedDatabase> of(UUID applicationId, String environment) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select * from managed_databases where application_id = :a and environment = :e order by name""")
                .bind("a", applicationId).bind("e", environment)
                .map((rs, c) -> new ManagedDatabase(rs.getObject("application_id", UUID.class), rs.getString("environment"),
                        rs.getString("name"), rs.getString("database_name"),
                        rs.getObject("created_at", java.time.OffsetDateTime.class).toInstant()))
                .list());
    }

    public void forget(String databaseName) {
        jdbi.useHandle(h -> h.createUpdate("delete from managed_databases where database_name = :d").bind("d", databaseName).execute());
    }
}
