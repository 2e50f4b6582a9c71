package io.helixstack.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import javax.sql.DataSource;

/**
 * The embedded server is created trusting every local connection; apps run on the same host and share its network,
 * so before anything else the platform gives the {@code postgres} role a random password (kept in a mode-600 file beside
 * the data directory) and makes the server require it for every connection.
 */
final class EmbeddedPassword {
    static final String FILE = "postgres.password";

    private static final String HBA = """
            # Written by HelixStack: every connection needs the password (apps share this host and its network).
            local all all scram-sha-256
            host  all all 127.0.0.1/32 scram-sha-256
            host  all all ::1/128 scram-sha-256
            """;

    private EmbeddedPassword() {
    }

    static String readOrCreate(Path file) throws IOException {
        if (Files.isRegularFile(file)) {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        }
        byte[] raw = new byte[24];
        new SecureRandom().nextBytes(raw);
        // URL-safe base64: no quote or backslash, so it can sit in ALTER ROLE's literal as is.
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), ".pgpass", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, password, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        return password;
    }

    /** Sets the password and switches authentication to it; idempotent, so it runs at every start. */
    static void requireIt(DataSource admin, Path dataDir, String password) throws SQLException, IOException {
        try (Connection c = admin.getConnection(); Statement st = c.createStatement()) {
            st.execute("alter role postgres password '" + password + "'");
            Path hba = dataDir.resolve("pg_hba.conf");
            if (!Files.readString(hba).equals(HBA)) {
                Files.writeString(hba, HBA, StandardCharsets.UTF_8);
                st.execute("select pg_reload_conf()");
            }
        }
    }
}
