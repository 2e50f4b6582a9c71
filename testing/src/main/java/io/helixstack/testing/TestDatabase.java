package io.helixstack.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;

/**
 * A fresh, uniquely named database for one test class: on the PostgreSQL at 127.0.0.1:5432 when one answers (this
 * project's dev and CI machines run one, and reuse it between runs), else on an embedded server. Dropped on close.
 */
public final class TestDatabase implements AutoCloseable {
    private static final String ADMIN = "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres&connectTimeout=2";

    private final String jdbcUrl;
    private final String name;
    private final EmbeddedPostgres embedded;

    private TestDatabase(String jdbcUrl, String name, EmbeddedPostgres embedded) {
        this.jdbcUrl = jdbcUrl;
        this.name = name;
        this.embedded = embedded;
    }

    public static TestDatabase create() {
        String name = "helix_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection c = DriverManager.getConnection(ADMIN)) {
            c.createStatement().execute("create database " + name);
            return new TestDatabase("jdbc:postgresql://127.0.0.1:5432/" + name + "?user=postgres", name, null);
        } catch (SQLException unreachable) {
            try {
                EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(Files.createTempDirectory("helix-test-pg")).start();
                return new TestDatabase(pg.getJdbcUrl("postgres", "postgres"), null, pg);
            } catch (IOException e) {
                throw new UncheckedIOException("no PostgreSQL at 127.0.0.1:5432 and the embedded one did not start", e);
            }
        }
    }

    /** Whether this database is on an embedded server (no PostgreSQL answered at 127.0.0.1:5432). */
    public boolean embedded() {
        return embedded != null;
    }

    /** A JDBC URL with credentials, for {@code Database.external}. */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    @Override
    public void close() {
        if (embedded != null) {
            try {
                embedded.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return;
        }
        try (Connection c = DriverManager.getConnection(ADMIN)) {
            c.createStatement().execute("drop database if exists " + name + " with (force)");
        } catch (SQLException e) {
            throw new IllegalStateException("could not drop test database " + name, e);
        }
    }
}
