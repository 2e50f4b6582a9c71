package io.helixstack.bus;

import io.helixstack.store.Database;
import io.helixstack.testing.TestDatabase;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;

/**
 * A fresh database for one test class with the store's schema (the {@code events} outbox) migrated, as the server does
 * before starting a bus, plus a {@code test_effects} table for idempotency tests.
 */
final class BusDatabase implements AutoCloseable {
    private final TestDatabase testDatabase;
    private final Database database;

    private BusDatabase(TestDatabase testDatabase, Database database) {
        this.testDatabase = testDatabase;
        this.database = database;
    }

    static BusDatabase create() {
        TestDatabase test = TestDatabase.create();
        Database database = Database.external(test.jdbcUrl());
        database.jdbi().useHandle(h -> h.execute("create table test_effects (event_id bigint not null)"));
        return new BusDatabase(test, database);
    }

    DataSource dataSource() {
        return database.dataSource();
    }

    Jdbi jdbi() {
        return database.jdbi();
    }

    int effects(long eventId) {
        return jdbi().withHandle(h -> h.createQuery("select count(*) from test_effects where event_id = :id")
                .bind("id", eventId).mapTo(Integer.class).one());
    }

    @Override
    public void close() {
        database.close();
        testDatabase.close();
    }
}
