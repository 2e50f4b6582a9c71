package io.helixstack.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL cluster where applications' databases live — never the control plane's own database. Embedded under
 * HELIX_HOME by default (its own server, data directory and password), or an existing server reached with an
 * administrator's URL. Each database has a login role of the same name that owns it; no other role but the
 * administrator may connect to it.
 */
public final class PostgresCluster implements AutoCloseable {
    /** Beside the embedded server's data directory: the port it listens on, kept across restarts. */
    public static final String PORT_FILE = "port";
    /** Database and role names this class accepts: safe to put in SQL unquoted. */
    public static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final long TOOL_TIMEOUT_MINUTES = 10;
    private static final Logger log = LoggerFactory.getLogger(PostgresCluster.class);

    private final String host;
    private final int port;
    private final String adminUser;
    private final String adminPassword;
    private final String adminDatabase;
    private final EmbeddedPostgres embedded;

    private PostgresCluster(String host, int port, String adminUser, String adminPassword, String adminDatabase,
                            EmbeddedPostgres embedded) {
        this.host = host;
        this.port = port;
        this.adminUser = adminUser;
        this.adminPassword = adminPassword;
        this.adminDatabase = adminDatabase;
        this.embedded = embedded;
    }

    /**
     * Starts (initialising on first use) a server of its own on {@code dataDir}, password-protected like the platform's, on
     * the port it had before (kept beside the data directory): apps' instances that outlived a platform restart keep
     * reaching their databases at the address in their environment.
     */
    public static PostgresCluster embedded(Path dataDir) {
        try {
            String password = EmbeddedPassword.readOrCreate(dataDir.resolveSibling(EmbeddedPassword.FILE));
            Path portFile = dataDir.resolveSibling(PORT_FILE);
            EmbeddedPostgres pg = Database.startEmbedded(dataDir, password, previousPort(portFile));
            Files.writeString(portFile, Integer.toString(pg.getPort()));
            return new PostgresCluster("127.0.0.1", pg.getPort(), "postgres", password, "postgres", pg);
        } catch (IOException | SQLException e) {
            throw new IllegalStateException("cannot start the managed PostgreSQL in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    private static int previousPort(Path portFile) {
        try {
            return Files.isRegularFile(portFile) ? Integer.parseInt(Files.readString(portFile).strip()) : 0;
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /**
     * An existing server, administered with {@code postgresql://user:password@host:port/database}: the user must be
     * allowed to create roles and databases.
     */
    public static PostgresCluster external(String adminUrl) {
        if (!adminUrl.startsWith("postgresql://") && !adminUrl.startsWith("postgres://")) {
            throw new IllegalArgumentException("HELIX_MANAGED_POSTGRES: \"" + adminUrl.replaceAll("//([^:/@]+):[^@]*@", "//$1:***@")
                    + "\" (expected: embedded, or postgresql://admin:password@host:5432/postgres)");
        }
        URI u = URI.create(adminUrl);
        if (u.getHost() == null) {
            throw new IllegalArgumentException("HELIX_MANAGED_POSTGRES: no host (expected: postgresql://admin:password@host:5432/postgres)");
        }
        String user = "postgres";
        String password = null;
        if (u.getRawUserInfo() != null) {
            String[] parts = u.getRawUserInfo().split(":", 2);
            user = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
            password = parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : null;
        }
        String path = u.getRawPath() == null || u.getRawPath().length() <= 1 ? "postgres" : u.getRawPath().substring(1);
        PostgresCluster cluster = new PostgresCluster(u.getHost(), u.getPort() > 0 ? u.getPort() : 5432, user, password, path, null);
        try (Connection c = cluster.admin()) {
            c.isValid(5);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reach the managed PostgreSQL at " + u.getHost() + ":" + cluster.port + " as "
                    + user + ": " + e.getMessage(), e);
        }
        return cluster;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** Whether the database exists. */
    public boolean exists(String database) {
        requireName(database);
        try (Connection c = admin(); PreparedStatement st = c.prepareStatement("select 1 from pg_database where datname = ?")) {
            st.setString(1, database);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the managed PostgreSQL's databases: " + e.getMessage(), e);
        }
    }

    /**
     * Creates the login role {@code name} with {@code password} and the database {@code name} it owns, unless they exist
     * (then the password is set again); only the role (and the administrator) may connect. Safe to call concurrently.
     */
    public void ensureDatabase(String name, String password) {
        requireName(name);
        if (password.isEmpty() || password.chars().anyMatch(ch -> ch < 0x21 || ch > 0x7e)) {
            throw new IllegalArgumentException("database password (expected: printable ASCII without spaces)");
        }
        String literal = "'" + password.replace("'", "''") + "'";
        try (Connection c = admin(); Statement st = c.createStatement()) {
            ignoreDuplicate(() -> st.execute("create role " + name + " login password " + literal));
            st.execute("alter role " + name + " login password " + literal);
            ignoreDuplicate(() -> st.execute("create database " + name + " owner " + name));
            st.execute("revoke all on database " + name + " from public");
            st.execute("grant connect, temporary on database " + name + " to " + name);
            if (embedded != null) {
                // A server of the platform's own: apps' roles reach their own database and nothing else on it.
                st.execute("revoke connect on database postgres from public");
                st.execute("revoke connect on database template1 from public");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + " in the managed PostgreSQL: " + e.getMessage(), e);
        }
    }

    /** Drops the database (closing its connections) and its role; idempotent. */
    public void drop(String name) {
        requireName(name);
        try (Connection c = admin(); Statement st = c.createStatement()) {
            st.execute("drop database if exists " + name + " with (force)");
            st.execute("drop role if exists " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop database " + name + " in the managed PostgreSQL: " + e.getMessage(), e);
        }
    }

    /**
     * Copies {@code from}'s schema (tables, indexes, functions; no rows, no owners, no grants) into {@code to}, the objects
     * owned by {@code to}'s role: {@code pg_dump --schema-only} piped into {@code psql}, both from PATH.
     *
     * @throws IllegalStateException when the tools are missing or either fails; the message says which and why
     */
    public void copySchema(String from, String to, String toPassword) {
        requireName(from);
        requireName(to);
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("/usr/bin:/bin");
        Path pgDump = onPath("pg_dump", path).orElseThrow(() -> new IllegalStateException(
                "copying the schema needs pg_dump on PATH (expected: the PostgreSQL client tools, e.g. Debian's postgresql-client)"));
        Path psql = onPath("psql", path).orElseThrow(() -> new IllegalStateException(
                "copying the schema needs psql on PATH (expected: the PostgreSQL client tools, e.g. Debian's postgresql-client)"));
        Path dump = null;
        try {
            dump = Files.createTempFile("helix-schema-", ".sql");
            run(List.of(pgDump.toString(), "--schema-only", "--no-owner", "--no-privileges", "--no-comments",
                    "--host", host, "--port", Integer.toString(port), "--username", adminUser, "--dbname", from,
                    "--file", dump.toString()), adminPassword, "pg_dump of " + from);
            run(List.of(psql.toString(), "--no-psqlrc", "--quiet", "--set", "ON_ERROR_STOP=1", "--single-transaction",
                    "--host", host, "--port", Integer.toString(port), "--username", to, "--dbname", to,
                    "--file", dump.toString()), toPassword, "loading " + from + "'s schema into " + to);
        } catch (IOException e) {
            throw new IllegalStateException("cannot copy the schema of " + from + ": " + e.getMessage(), e);
        } finally {
            if (dump != null) {
                try {
                    Files.deleteIfExists(dump);
                } catch (IOException e) {
                    log.atWarn().addKeyValue("file", dump).log("Could not delete a schema dump");
                }
            }
        }
    }

    @Override
    public void close() {
        if (embedded != null) {
            try {
                embedded.close();
            } catch (IOException e) {
                log.atWarn().addKeyValue("error", e.getMessage()).log("Managed PostgreSQL did not stop cleanly");
            }
        }
    }

    private Connection admin() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", adminUser);
        if (adminPassword != null) {
            props.setProperty("password", adminPassword);
        }
        props.setProperty("connectTimeout", "10");
        return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/" + adminDatabase, props);
    }

    private interface SqlAction {
        void run() throws SQLException;
    }

    /** Two deployments may create the same role or database at once: the loser finds it there, which is what it wanted. */
    private static void ignoreDuplicate(SqlAction action) throws SQLException {
        try {
            action.run();
        } catch (SQLException e) {
            // 42710 duplicate_object (role), 42P04 duplicate_database, 23505 a concurrent create of the same name
            if (!List.of("42710", "42P04", "23505").contains(e.getSQLState())) {
                throw e;
            }
        }
    }

    private static void run(List<String> command, String password, String what) throws IOException {
        // Output to a file, not a pipe: a pipe read would block past the timeout while the tool still runs.
        Path output = Files.createTempFile("helix-pg-tool-", ".log");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            Map<String, String> env = builder.environment();
            env.keySet().removeIf(k -> k.startsWith("PG"));
            if (password != null) {
                env.put("PGPASSWORD", password);
            }
            env.put("PGCONNECT_TIMEOUT", "10");
            Process process = builder.start();
            try {
                if (!process.waitFor(TOOL_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                    throw new IllegalStateException(what + " did not finish within " + TOOL_TIMEOUT_MINUTES + " minutes");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
                throw new IllegalStateException(what + " interrupted", e);
            }
            if (process.exitValue() != 0) {
                String text = Files.readString(output, StandardCharsets.UTF_8).strip();
                throw new IllegalStateException(what + " failed (exit code " + process.exitValue() + "): "
                        + (text.isEmpty() ? "no output" : text.lines().limit(3).reduce((a, b) -> a + " / " + b).orElse(text)));
            }
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /**
     * Runs {@code action} holding a cluster-wide lock on {@code name} (a PostgreSQL advisory lock): two deployments of
     * one environment never create, copy into or drop the same database at once.
     */
    public <T> T locked(String name, java.util.function.Supplier<T> action) {
        requireName(name);
        try (Connection c = admin(); PreparedStatement lock = c.prepareStatement("select pg_advisory_lock(hashtext(?))")) {
            lock.setString(1, "helix-managed:" + name);
            lock.execute();
            try {
                return action.get();
            } finally {
                try (PreparedStatement unlock = c.prepareStatement("select pg_advisory_unlock(hashtext(?))")) {
                    unlock.setString(1, "helix-managed:" + name);
                    unlock.execute();
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot lock database " + name + " in the managed PostgreSQL: " + e.getMessage(), e);
        }
    }

    /** Whether the database has no tables, views or sequences of its own (a schema copy has not happened yet). */
    public boolean isEmpty(String database) {
        requireName(database);
        Properties props = new Properties();
        props.setProperty("user", adminUser);
        if (adminPassword != null) {
            props.setProperty("password", adminPassword);
        }
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/" + database, props);
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace"
                     + " where n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%'")) {
            rs.next();
            return rs.getLong(1) == 0;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read database " + database + " in the managed PostgreSQL: " + e.getMessage(), e);
        }
    }

    private static void requireName(String name) {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("database name \"" + name + "\" (expected: 1-63 of a-z, 0-9 and _, not starting"
                    + " with a digit)");
        }
    }

    private static Optional<Path> onPath(String executable, String path) {
        List<Path> candidates = new ArrayList<>();
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, executable));
            }
        }
        return candidates.stream().filter(p -> Files.isRegularFile(p) && Files.isExecutable(p)).findFirst();
    }
}
