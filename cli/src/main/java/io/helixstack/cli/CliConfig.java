package io.helixstack.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the API is and how to authenticate, resolved once per command.
 * <ul>
 *   <li>API address: {@code --api-url} &gt; {@code HELIX_API_URL} &gt; {@code api_url=} in the credentials file &gt;
 *       {@value #DEFAULT_API_URL}</li>
 *   <li>token: {@code HELIX_TOKEN} &gt; {@code token=} in the credentials file</li>
 * </ul>
 * The credentials file is {@code $HELIX_HOME/credentials} ({@code HELIX_HOME} defaults to {@code ~/.helix}), written
 * by the server on {@code helix up}: one {@code key=value} per line, {@code #} comments and blank lines ignored.
 *
 * @param apiUrl the API base address, without a trailing slash
 * @param token  the bearer token, empty when none is configured
 * @param home   the HelixStack home directory
 */
record CliConfig(URI apiUrl, Optional<String> token, Path home) {
    static final String DEFAULT_API_URL = "http://localhost:4000";
    static final String CREDENTIALS_FILE = "credentials";

    CliConfig {
        Objects.requireNonNull(apiUrl, "apiUrl");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(home, "home");
    }

    static CliConfig resolve(String apiUrlOption, Map<String, String> env, Path userHome) {
        Path home = home(env, userHome);
        Map<String, String> credentials = readCredentials(home.resolve(CREDENTIALS_FILE));
        URI apiUrl;
        if (present(apiUrlOption)) {
            apiUrl = parseApiUrl("--api-url", apiUrlOption);
        } else if (present(env.get("HELIX_API_URL"))) {
            apiUrl = parseApiUrl("HELIX_API_URL", env.get("HELIX_API_URL"));
        } else if (present(credentials.get("api_url"))) {
            apiUrl = parseApiUrl("api_url in " + home.resolve(CREDENTIALS_FILE), credentials.get("api_url"));
        } else {
            apiUrl = URI.create(DEFAULT_API_URL);
        }
        Optional<String> token = present(env.get("HELIX_TOKEN")) ? Optional.of(env.get("HELIX_TOKEN").strip())
                : Optional.ofNullable(credentials.get("token")).filter(CliConfig::present);
        return new CliConfig(apiUrl, token, home);
    }

    static Path home(Map<String, String> env, Path userHome) {
        String home = env.get("HELIX_HOME");
        return present(home) ? Path.of(home).toAbsolutePath() : userHome.resolve(".helix");
    }

    /** The token, or the one-line explanation of how to get one. */
    String requireToken() {
        return token.orElseThrow(() -> new CliException("no API token: start the server with `helix up` (it writes "
                + home.resolve(CREDENTIALS_FILE) + ") or set HELIX_TOKEN"));
    }

    /** {@code key=value} lines; a missing file is no credentials, an unreadable one is an error worth reporting. */
    static Map<String, String> readCredentials(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (IOException e) {
            throw new CliException("cannot read " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : text.split("\\R")) {
            String trimmed = line.strip();
            int equals = trimmed.indexOf('=');
            if (trimmed.isEmpty() || trimmed.startsWith("#") || equals <= 0) {
                continue;
            }
            values.put(trimmed.substring(0, equals).strip(), trimmed.substring(equals + 1).strip());
        }
        return values;
    }

    private static URI parseApiUrl(String source, String value) {
        String text = value.strip();
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        try {
            URI uri = new URI(text);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getQuery() == null && uri.getFragment() == null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // Reported below with what was expected.
        }
        throw new CliException(source + ": \"" + value + "\" (expected: an http(s) address such as " + DEFAULT_API_URL + ")");
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }
}
