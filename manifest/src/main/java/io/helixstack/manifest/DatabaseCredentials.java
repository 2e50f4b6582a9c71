package io.helixstack.manifest;

import static io.helixstack.manifest.ManifestRules.require;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The secrets of one database, generated and stored by the platform and passed in: the manifest and
 * the translators never invent them. The password is never shown by {@link #toString()}.
 *
 * @param user     PostgreSQL role; {@code default} for Redis (see {@link #forRedis})
 * @param password the password
 * @param database PostgreSQL database name; the database number for Redis
 */
public record DatabaseCredentials(String user, String password, String database) {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}|[0-9]{1,2}");

    public DatabaseCredentials {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(database, "database");
        require(IDENTIFIER.matcher(user).matches(), "database user", user, "1-63 letters, digits and underscores");
        require(IDENTIFIER.matcher(database).matches(), "database name", database,
                "1-63 letters, digits and underscores, or a Redis database number");
        // Printable ASCII only: the password travels through URLs, env files and YAML unchanged.
        require(!password.isEmpty() && password.length() <= 200 && password.chars().allMatch(c -> c > 0x20 && c < 0x7f),
                "database password", "(hidden)", "1-200 printable ASCII characters without spaces");
    }

    public static DatabaseCredentials forPostgresql(String user, String password, String database) {
        return new DatabaseCredentials(user, password, database);
    }

    /** Redis has one user when protected by {@code requirepass}: {@code default}, database 0. */
    public static DatabaseCredentials forRedis(String password) {
        return new DatabaseCredentials("default", password, "0");
    }

    @Override
    public String toString() {
        return "DatabaseCredentials[user=" + user + ", password=(hidden), database=" + database + "]";
    }
}
