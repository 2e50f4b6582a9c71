package io.helixstack.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The managed cluster on its embedded server: roles, isolation, schema copies, drops, and data that survives a restart. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresClusterIT {
    private Path home;
    private PostgresCluster cluster;

    @BeforeAll
    void start(@TempDir Path dir) {
        home = dir;
        cluster = PostgresCluster.embedded(home.resolve("managed/data"));
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    @Test
    void aDatabaseBelongsToItsRoleAloneAndNeedsThePassword() throws SQLException {
        cluster.ensureDatabase("shop_db", "s3cret-shop");
        cluster.ensureDatabase("blog_db", "s3cret-blog");
        cluster.ensureDatabase("shop_db", "s3cret-shop"); // idempotent

        try (Connection shop = connect("shop_db", "shop_db", "s3cret-shop"); Statement st = shop.createStatement()) {
            st.execute("create table orders (id int primary key)");
            st.execute("insert into orders values (1)");
        }
        assertThatThrownBy(() -> connect("shop_db", "shop_db", "wrong").close()).isInstanceOf(SQLException.class)
                .hasMessageContaining("password authentication failed");
        assertThatThrownBy(() -> connect("shop_db", "blog_db", "s3cret-blog").close()).as("another app's role")
                .isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
        assertThatThrownBy(() -> connect("postgres", "blog_db", "s3cret-blog").close()).as("the server's own database")
                .isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
        assertThat(cluster.isEmpty("shop_db")).isFalse();
        assertThat(cluster.isEmpty("blog_db")).isTrue();
        assertThat(cluster.locked("shop_db", () -> "held")).isEqualTo("held");
        assertThat(cluster.exists("shop_db")).isTrue();
        assertThat(cluster.exists("nope_db")).isFalse();
    }

    @Test
    void aSchemaCopyHasTheTablesOwnedByTheNewRoleAndNoRows() throws SQLException {
        cluster.ensureDatabase("app_prod", "prod-pass");
        try (Connection prod = connect("app_prod", "app_prod", "prod-pass"); Statement st = prod.createStatement()) {
            st.execute("create table notes (id serial primary key, body text not null)");
            st.execute("create index notes_body on notes (body)");
            st.execute("insert into notes (body) values ('production data')");
        }
        cluster.ensureDatabase("app_pr7", "preview-pass");

        cluster.copySchema("app_prod", "app_pr7", "preview-pass");

        try (Connection preview = connect("app_pr7", "app_pr7", "preview-pass"); Statement st = preview.createStatement()) {
            assertThat(rows(st, "select count(*) from notes")).containsExactly("0");
            assertThat(rows(st, "select tableowner from pg_tables where tablename = 'notes'")).containsExactly("app_pr7");
            assertThat(rows(st, "select indexname from pg_indexes where tablename = 'notes' order by 1"))
                    .containsExactly("notes_body", "notes_pkey");
            st.execute("insert into notes (body) values ('preview data')");
        }
        try (Connection prod = connect("app_prod", "app_prod", "prod-pass"); Statement st = prod.createStatement()) {
            assertThat(rows(st, "select body from notes")).containsExactly("production data");
        }
    }

    @Test
    void dropRemovesTheDatabaseAndItsRoleEvenWithOpenConnections() throws SQLException {
        cluster.ensureDatabase("gone_db", "pass-gone");
        Connection open = connect("gone_db", "gone_db", "pass-gone");

        cluster.drop("gone_db");
        cluster.drop("gone_db");

        assertThat(cluster.exists("gone_db")).isFalse();
        assertThat(open.isValid(2)).isFalse();
        assertThatThrownBy(() -> connect("postgres", "gone_db", "pass-gone").close()).isInstanceOf(SQLException.class);
    }

    @Test
    void namesThatAreNotPlainIdentifiersAreRefused() {
        assertThatThrownBy(() -> cluster.ensureDatabase("drop table x;", "p")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: 1-63 of a-z");
        assertThatThrownBy(() -> cluster.ensureDatabase("ok_name", "has space")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void dataSurvivesARestartOfTheCluster() throws SQLException {
        cluster.ensureDatabase("kept_db", "kept-pass");
        try (Connection c = connect("kept_db", "kept_db", "kept-pass"); Statement st = c.createStatement()) {
            st.execute("create table kept (v text)");
            st.execute("insert into kept values ('still here')");
        }

        int port = cluster.port();
        cluster.close();
        cluster = PostgresCluster.embedded(home.resolve("managed/data"));

        assertThat(cluster.port()).as("the same address: apps that outlived the restart still reach it").isEqualTo(port);
        try (Connection c = connect("kept_db", "kept_db", "kept-pass"); Statement st = c.createStatement()) {
            assertThat(rows(st, "select v from kept")).containsExactly("still here");
        }
    }

    @Test
    void anExternalClusterNeedsAUrlItCanReach() {
        assertThatThrownBy(() -> PostgresCluster.external("mysql://x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: embedded, or postgresql://");
        assertThatThrownBy(() -> PostgresCluster.external("postgresql://admin:pw@127.0.0.1:1/postgres"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot reach the managed PostgreSQL at 127.0.0.1:1");
    }

    private Connection connect(String database, String user, String password) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + cluster.host() + ":" + cluster.port() + "/" + database, user, password);
    }

    private static List<String> rows(Statement st, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
