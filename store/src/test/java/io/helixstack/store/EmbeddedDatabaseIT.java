package io.helixstack.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The zero-setup default: an embedded server under HELIX_HOME that keeps its data across restarts (and starts as root). */
class EmbeddedDatabaseIT {
    @Test
    void keepsDataAcrossRestarts(@TempDir Path home) {
        Path data = home.resolve("postgres");
        try (Database db = Database.embedded(data)) {
            db.jdbi().useHandle(h -> h.execute("insert into teams (id, name) values (gen_random_uuid(), 'kept')"));
        }
        try (Database db = Database.embedded(data)) {
            int kept = db.jdbi().withHandle(h -> h.createQuery("select count(*) from teams where name = 'kept'").mapTo(Integer.class).one());
            assertThat(kept).isEqualTo(1);
        }
    }

    /** Apps share the host's network: the platform's database must not let them in without the password. */
    @Test
    void refusesConnectionsWithoutThePassword(@TempDir Path home) throws Exception {
        Path data = home.resolve("postgres");
        try (Database db = Database.embedded(data)) {
            int port = db.jdbi().withHandle(h -> h.createQuery("select setting::int from pg_settings where name = 'port'")
                    .mapTo(Integer.class).one());
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> java.sql.DriverManager.getConnection(
                            "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres").close())
                    .hasMessageContaining("password");
            assertThat(java.nio.file.Files.getPosixFilePermissions(home.resolve("postgres.password")))
                    .extracting(Object::toString).containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
        }
    }
}
