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
}
