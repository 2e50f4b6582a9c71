package io.helixstack.manifest;

import static io.helixstack.manifest.ManifestRules.require;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Where a running database is reached and with which credentials: what {@code ${<db>.URL}},
 * {@code .HOST}, {@code .PORT}, {@code .USER}, {@code .PASSWORD} and {@code .DATABASE} resolve to.
 */
public record DatabaseEndpoint(DatabaseSpec.Type type, String host, int port, DatabaseCredentials credentials) {
    public DatabaseEndpoint {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(credentials, "credentials");
        require(!host.isBlank() && host.chars().noneMatch(c -> c <= 0x20 || c == '/' || c == '@'), "database host", host,
                "a hostname or IP address");
        require(ManifestRules.isPort(port), "database port", port, ManifestRules.PORT_EXPECTED);
    }

    /** E.g. {@code postgresql://app:s3cret@postgres:5432/app}, user and password percent-encoded. */
    public String url() {
        return type.urlScheme() + "://" + encode(credentials.user()) + ":" + encode(credentials.password()) + "@" + host + ":"
                + port + "/" + encode(credentials.database());
    }

    /** The value of one {@link EnvTemplate#FIELDS field}. */
    String value(String field) {
        return switch (field) {
            case "URL" -> url();
            case "HOST" -> host;
            case "PORT" -> Integer.toString(port);
            case "USER" -> credentials.user();
            case "PASSWORD" -> credentials.password();
            case "DATABASE" -> credentials.database();
            default -> throw new IllegalArgumentException("field " + field + " (expected: one of " + EnvTemplate.FIELDS + ")");
        };
    }

    // RFC 3986 userinfo: everything but the unreserved characters is percent-encoded.
    private static String encode(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }
}
