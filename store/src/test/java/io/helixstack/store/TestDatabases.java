package io.helixstack.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;

/**
 * A fresh database per test class: on the PostgreSQL at 127.0.0.1:5432 when one answers (CI and dev machines of this
 * project), else on an embedded server. Each run gets a uniquely named database, dropped when closed.
 */
final class TestDatabases {
    private TestDatabases() {
    }

    record Handle(Database database, Runnable drop) implements AutoCloseable {
        @Override
        public void close() {
            database.close();
            drop.run();
        }
    }

    static Handle fresh() throws Exception {
        String admin = "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres&connectTimeout=2";
        try (Connection c = DriverManager.getConnection(admin)) {
            String name = "helix_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
            c.createStatement().execute("create database " + name);
            Database db = Database.external("jdbc:postgresql://127.0.0.1:5432/" + name + "?user=postgres");
            return new Handle(db, () -> {
                try (Connection c2 = DriverManager.getConnection(admin)) {
                    c2.createStatement().execute("drop database if exists " + name + " with (force)");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
        } catch (SQLException unreachable) {
            Path dir = Files.createTempDirectory("helix-pg");
            return new Handle(Database.embedded(dir), () -> { });
        }
    }
}
