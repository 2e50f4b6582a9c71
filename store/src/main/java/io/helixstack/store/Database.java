package io.helixstack.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The control plane's PostgreSQL: an embedded server under HELIX_HOME by default, or an external one by URL. */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);

    private final HikariDataSource dataSource;
    private final EmbeddedPostgres embedded;
    private final Jdbi jdbi;

    private Database(HikariDataSource dataSource, EmbeddedPostgres embedded) {
        this.dataSource = dataSource;
        this.embedded = embedded;
        this.jdbi = Jdbi.create(dataSource).installPlugin(new PostgresPlugin());
    }

    /**
     * Starts (initialising on first use) a PostgreSQL server whose data lives in {@code dataDir}, on a free port of
     * 127.0.0.1, and migrates it.
     */
    public static Database embedded(Path dataDir) {
        try {
            String password = EmbeddedPassword.readOrCreate(dataDir.resolveSibling(EmbeddedPassword.FILE));
            EmbeddedPostgres pg = startEmbedded(dataDir, password);
            String url = "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres";
            return new Database(pool(url, "postgres", password), pg).migrate();
        } catch (IOException | java.sql.SQLException e) {
            throw new IllegalStateException("cannot start embedded PostgreSQL in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Starts a PostgreSQL server on {@code dataDir} (initialising it on first use) on a free port of 127.0.0.1, its
     * {@code postgres} role protected by {@code password} for every connection.
     */
    static EmbeddedPostgres startEmbedded(Path dataDir, String password) throws IOException, java.sql.SQLException {
        return startEmbedded(dataDir, password, 0);
    }

    /**
     * As {@link #startEmbedded(Path, String)} on {@code port} when it is free once a leftover server is stopped (0, or taken:
     * any free port).
     */
    static EmbeddedPostgres startEmbedded(Path dataDir, String password, int port) throws IOException, java.sql.SQLException {
        {
            Files.createDirectories(dataDir);
            stopLeftoverServer(dataDir);
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
            if (port > 0 && free(port)) {
                builder.setPort(port);
            } else if (port > 0) {
                log.atWarn().addKeyValue("port", port).log("The embedded PostgreSQL's port is taken: it starts on another");
            }
            EmbeddedPostgres pg = builder
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    // Stopped by close(), last: a hook of its own would stop it while the platform's shutdown still uses it.
                    .setRegisterShutdownHook(false)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    // Used by zonky's own readiness check too; ignored while the server still trusts (first start).
                    .setConnectConfig("password", password)
                    .start();
            try {
                EmbeddedPassword.requireIt(pg.getPostgresDatabase(), dataDir, password);
            } catch (java.sql.SQLException | IOException | RuntimeException e) {
                pg.close();
                throw e;
            }
            log.atInfo().addKeyValue("dataDir", dataDir).addKeyValue("port", pg.getPort()).log("Embedded PostgreSQL started");
            return pg;
        }
    }

    /**
     * A HelixStack killed with SIGKILL leaves its embedded PostgreSQL running and holding the data directory; stop that
     * server (found through {@code postmaster.pid}) so this start can own the directory again.
     */
    static void stopLeftoverServer(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return;
        }
        String first = Files.readAllLines(pidFile).stream().findFirst().orElse("").strip();
        if (!first.matches("\\d+")) {
            return;
        }
        ProcessHandle.of(Long.parseLong(first))
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(false))
                .ifPresent(p -> {
                    log.atWarn().addKeyValue("pid", p.pid()).log("Stopping an embedded PostgreSQL left running by an earlier crash");
                    // SIGINT, PostgreSQL's fast shutdown: clients that outlived the old JVM (apps' instances) are
                    // disconnected instead of waited for. SIGTERM (smart) only when kill cannot be run.
                    if (!signal("INT", p.pid())) {
                        p.destroy();
                    }
                    try {
                        p.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (Exception e) {
                        p.destroyForcibly();
                    }
                });
    }

    private static boolean signal(String name, long pid) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return kill.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) && kill.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean free(int port) {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Connects to an external server and migrates it. Accepts {@code postgresql://user:pass@host:5432/db} (libpq form) or
     * {@code jdbc:postgresql://host:5432/db?user=…}.
     */
    public static Database external(String url) {
        JdbcTarget t = JdbcTarget.parse(url);
        return new Database(pool(t.jdbcUrl(), t.user(), t.password()), null).migrate();
    }

    private static HikariDataSource pool(String jdbcUrl, String user, String password) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(jdbcUrl);
        if (user != null) {
            c.setUsername(user);
        }
        if (password != null) {
            c.setPassword(password);
        }
        c.setMaximumPoolSize(10);
        c.setPoolName("helix-store");
        return new HikariDataSource(c);
    }

    private Database migrate() {
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        return this;
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public void close() {
        dataSource.close();
        if (embedded != null) {
            try {
                embedded.close();
            } catch (IOException e) {
                log.atWarn().addKeyValue("error", e.getMessage()).log("Embedded PostgreSQL did not stop cleanly");
            }
        }
    }

    /** A JDBC URL with credentials split out. */
    record JdbcTarget(String jdbcUrl, String user, String password) {
        static JdbcTarget parse(String url) {
            if (url.startsWith("jdbc:postgresql:")) {
                return new JdbcTarget(url, null, null);
            }
            if (!url.startsWith("postgresql://") && !url.startsWith("postgres://")) {
                throw new IllegalArgumentException("HELIX_DATABASE_URL: \"" + redact(url) + "\" (expected: "
                        + "postgresql://user:password@host:5432/database or jdbc:postgresql://host:5432/database)");
            }
            URI u = URI.create(url);
            String user = null;
            String password = null;
            if (u.getRawUserInfo() != null) {
                String[] parts = u.getRawUserInfo().split(":", 2);
                user = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
                password = parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : null;
            }
            String jdbc = "jdbc:postgresql://" + u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "")
                    + (u.getRawPath() == null || u.getRawPath().isEmpty() ? "/postgres" : u.getRawPath())
                    + (u.getRawQuery() != null ? "?" + u.getRawQuery() : "");
            return new JdbcTarget(jdbc, user, password);
        }

        private static String redact(String url) {
            return url.replaceAll("//([^:/@]+):[^@]*@", "//$1:***@");
        }
    }
}
