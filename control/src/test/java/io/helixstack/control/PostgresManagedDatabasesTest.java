package io.helixstack.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.helixstack.store.PostgresCluster;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PostgresManagedDatabasesTest {
    @Test
    void namesThatReadAlikeNeverCollideAndAreValidIdentifiers() {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();

        String first = PostgresManagedDatabases.databaseName("helix_", a, "a-b", "c", "production");
        String second = PostgresManagedDatabases.databaseName("helix_", b, "a", "b-c", "production");
        String previewOfMain = PostgresManagedDatabases.databaseName("helix_", a, "shop", "main", "preview/1");
        String productionOfMainPr1 = PostgresManagedDatabases.databaseName("helix_", a, "shop", "main-pr1", "production");
        String long1 = PostgresManagedDatabases.databaseName("helix_", a, "x".repeat(40), "y".repeat(40), "branch/" + "z".repeat(30));

        assertThat(first).startsWith("helix_a_b_c_").isNotEqualTo(second);
        assertThat(previewOfMain).startsWith("helix_shop_main_pr1_").isNotEqualTo(productionOfMainPr1);
        assertThat(PostgresManagedDatabases.databaseName("helix_", a, "a-b", "c", "production")).as("stable").isEqualTo(first);
        for (String name : new String[]{first, second, previewOfMain, productionOfMainPr1, long1}) {
            assertThat(name).matches(PostgresCluster.NAME.pattern());
        }
    }
}
