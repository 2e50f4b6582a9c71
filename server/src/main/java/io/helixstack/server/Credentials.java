package io.helixstack.server;

import io.helixstack.store.TokenRepository;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code $HELIX_HOME/credentials}: {@code key=value} lines ({@code api_url}, {@code token}) the CLI reads; mode 600. The
 * server issues an admin token on first start and whenever the file's token is not one of its own.
 */
final class Credentials {
    static final String FILE = "credentials";

    private Credentials() {
    }

    static String ensure(Path home, TokenRepository tokens, UUID team, String apiUrl) {
        Path file = home.resolve(FILE);
        Map<String, String> kv = read(file);
        String token = Optional.ofNullable(kv.get("token")).filter(t -> tokens.verify(t).isPresent())
                .orElseGet(() -> tokens.create(team, "admin (helix up)", "owner"));
        Map<String, String> next = new LinkedHashMap<>();
        next.put("api_url", apiUrl);
        next.put("token", token);
        write(file, next);
        return token;
    }

    static Map<String, String> read(Path file) {
        Map<String, String> kv = new LinkedHashMap<>();
        if (!Files.isRegularFile(file)) {
            return kv;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                int eq = line.indexOf('=');
                if (eq > 0 && !line.startsWith("#")) {
                    kv.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return kv;
    }

    private static void write(Path file, Map<String, String> kv) {
        StringBuilder sb = new StringBuilder("# Written by `helix up`: the CLI's server address and API token. Keep it private.\n");
        kv.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), ".credentials", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, sb, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
