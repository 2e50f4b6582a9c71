package io.helixstack.server;

import io.helixstack.control.ControlConfig;
import io.helixstack.control.ControlPlane;
import io.helixstack.control.MetricsSampler;
import io.helixstack.control.StoreLogSink;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The server's settings, read from {@code HELIX_*} environment variables with named defaults.
 *
 * @param home         state directory ({@code HELIX_HOME}, default {@code ~/.helix})
 * @param databaseUrl  external PostgreSQL ({@code HELIX_DATABASE_URL}); null means the embedded one under home
 * @param bind         address both listeners bind ({@code HELIX_BIND}, default 127.0.0.1)
 * @param apiPort      control-plane API port ({@code HELIX_API_PORT}, default 4000; 0 picks a free one)
 * @param httpPort     proxy port apps are reached on ({@code HELIX_HTTP_PORT}, default 8080; 0 picks a free one)
 * @param baseDomain   apps live at {@code <app>.<baseDomain>} ({@code HELIX_BASE_DOMAIN}, default localhost)
 * @param uploadLimit  largest source upload in bytes ({@code HELIX_UPLOAD_LIMIT}, e.g. {@code 200m}; default 200 MiB)
 * @param healthTimeout how long a new instance may take to become healthy ({@code HELIX_HEALTH_TIMEOUT}, e.g. {@code 30s})
 * @param logRetention how long runtime log lines are kept ({@code HELIX_LOG_RETENTION}, default 7d)
 * @param logMaxLinesPerApp at most this many newest lines are kept per application ({@code HELIX_LOG_MAX_LINES})
 * @param sandbox      run instances in bubblewrap when it is available ({@code HELIX_SANDBOX=off} disables)
 * @param metricsInterval how often deployments' metrics are sampled and stored ({@code HELIX_METRICS_INTERVAL}, default 15s)
 * @param otlpEndpoint an OpenTelemetry collector's OTLP/HTTP base URL that logs and metrics are also sent to
 *                     ({@code HELIX_OTLP_ENDPOINT}, e.g. {@code http://127.0.0.1:4318}); null sends nothing
 * @param proxyMetrics record per-deployment request metrics in the proxy ({@code HELIX_PROXY_METRICS=off} disables)
 * @param tls          {@code HELIX_TLS_CERT} and {@code HELIX_TLS_KEY} (PEM files, both or neither): the API and git over
 *                     HTTPS; null serves HTTP
 * @param buildConcurrency how many builds run at once ({@code HELIX_BUILD_CONCURRENCY}, default half the cores, at least
 *                         one); later builds wait, so builds never take every core from the running apps
 * @param publicUrl       the API's URL as other machines reach it ({@code HELIX_PUBLIC_URL}): a cluster's pods download
 *                        artifacts from it after an upgrade; null uses the address the API listens on
 * @param buildMemoryMb   what all builds together may use, in MB ({@code HELIX_BUILD_MEMORY}, default 2g; {@code off}: 0,
 *                        no cap), enforced with a control group where cgroups can be used
 * @param managedPostgres where manifests' postgresql databases live ({@code HELIX_MANAGED_POSTGRES}): {@code embedded} (the
 *                        default: a server of its own under HELIX_HOME/managed-postgres, started on first use), an
 *                        administrator's {@code postgresql://} URL of an existing server, or {@code off}
 * @param sshPort      port of the git-over-SSH server ({@code HELIX_SSH_PORT}, default 2222; 0 picks a free one;
 *                     {@code off} runs none, which is kept as -1)
 */
public record HelixConfig(Path home, String databaseUrl, String bind, int apiPort, int httpPort, String baseDomain,
                          long uploadLimit, Duration healthTimeout, Duration logRetention, int logMaxLinesPerApp,
                          boolean sandbox, Duration metricsInterval, String otlpEndpoint, boolean proxyMetrics, int sshPort,
                          ControlPlane.Tls tls, String managedPostgres, int buildConcurrency, String publicUrl,
                          long buildMemoryMb) {
    public static final long DEFAULT_BUILD_MEMORY = 2L * 1024 * 1024 * 1024;
    public static final String MANAGED_POSTGRES_EMBEDDED = "embedded";
    public static final String MANAGED_POSTGRES_OFF = "off";
    public static final int DEFAULT_API_PORT = 4000;
    public static final int DEFAULT_HTTP_PORT = 8080;
    public static final int DEFAULT_SSH_PORT = 2222;
    public static final String DEFAULT_BIND = "127.0.0.1";
    public static final String DEFAULT_BASE_DOMAIN = "localhost";

    public HelixConfig {
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(baseDomain, "baseDomain");
    }

    public static HelixConfig fromEnv(Map<String, String> env) {
        Path home = env.containsKey("HELIX_HOME") ? Path.of(env.get("HELIX_HOME"))
                : Path.of(System.getProperty("user.home"), ".helix");
        String db = blankToNull(env.get("HELIX_DATABASE_URL"));
        return new HelixConfig(home.toAbsolutePath().normalize(), db,
                env.getOrDefault("HELIX_BIND", DEFAULT_BIND),
                port(env, "HELIX_API_PORT", DEFAULT_API_PORT),
                port(env, "HELIX_HTTP_PORT", DEFAULT_HTTP_PORT),
                domain(env.getOrDefault("HELIX_BASE_DOMAIN", DEFAULT_BASE_DOMAIN)),
                size(env, "HELIX_UPLOAD_LIMIT", ControlConfig.DEFAULT_UPLOAD_LIMIT),
                duration(env, "HELIX_HEALTH_TIMEOUT", ControlConfig.DEFAULT_HEALTH_TIMEOUT),
                duration(env, "HELIX_LOG_RETENTION", StoreLogSink.DEFAULT_MAX_AGE),
                (int) Math.min(Integer.MAX_VALUE, size(env, "HELIX_LOG_MAX_LINES", StoreLogSink.DEFAULT_MAX_LINES_PER_APP)),
                !"off".equalsIgnoreCase(env.getOrDefault("HELIX_SANDBOX", "auto")),
                duration(env, "HELIX_METRICS_INTERVAL", MetricsSampler.DEFAULT_INTERVAL),
                url(env, "HELIX_OTLP_ENDPOINT"),
                !"off".equalsIgnoreCase(env.getOrDefault("HELIX_PROXY_METRICS", "on")),
                "off".equalsIgnoreCase(env.getOrDefault("HELIX_SSH_PORT", "")) ? -1 : port(env, "HELIX_SSH_PORT", DEFAULT_SSH_PORT),
                tls(env),
                managedPostgres(env.getOrDefault("HELIX_MANAGED_POSTGRES", MANAGED_POSTGRES_EMBEDDED).strip()),
                buildConcurrency(env.get("HELIX_BUILD_CONCURRENCY")),
                url(env, "HELIX_PUBLIC_URL"),
                "off".equalsIgnoreCase(env.getOrDefault("HELIX_BUILD_MEMORY", "").strip()) ? 0
                        : Math.max(1, size(env, "HELIX_BUILD_MEMORY", DEFAULT_BUILD_MEMORY) / (1024 * 1024)));
    }

    private static int buildConcurrency(String value) {
        if (value == null || value.isBlank()) {
            return io.helixstack.build.LocalBuildService.defaultConcurrency();
        }
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= 1 && n <= 64) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException("HELIX_BUILD_CONCURRENCY: \"" + value + "\" (expected: a whole number from 1 to 64)");
    }

    private static String managedPostgres(String value) {
        if (value.equalsIgnoreCase(MANAGED_POSTGRES_EMBEDDED) || value.isEmpty()) {
            return MANAGED_POSTGRES_EMBEDDED;
        }
        if (value.equalsIgnoreCase(MANAGED_POSTGRES_OFF)) {
            return MANAGED_POSTGRES_OFF;
        }
        if (value.startsWith("postgresql://") || value.startsWith("postgres://")) {
            try {
                if (java.net.URI.create(value).getHost() != null) {
                    return value;
                }
            } catch (IllegalArgumentException e) {
                // reported below
            }
        }
        throw new ConfigException("HELIX_MANAGED_POSTGRES: \"" + value.replaceAll("//([^:/@]+):[^@]*@", "//$1:***@")
                + "\" (expected: embedded, off, or postgresql://admin:password@host:5432/postgres)");
    }

    private static ControlPlane.Tls tls(Map<String, String> env) {
        String cert = blankToNull(env.get("HELIX_TLS_CERT"));
        String key = blankToNull(env.get("HELIX_TLS_KEY"));
        if (cert == null && key == null) {
            return null;
        }
        if (cert == null || key == null) {
            throw new ConfigException((cert == null ? "HELIX_TLS_CERT" : "HELIX_TLS_KEY") + ": missing (expected: both"
                    + " HELIX_TLS_CERT and HELIX_TLS_KEY, PEM files, or neither)");
        }
        for (String f : new String[] {cert, key}) {
            if (!java.nio.file.Files.isReadable(Path.of(f))) {
                throw new ConfigException("\"" + f + "\": not a readable file (expected: a PEM file for HELIX_TLS_CERT/HELIX_TLS_KEY)");
            }
        }
        return new ControlPlane.Tls(Path.of(cert), Path.of(key));
    }

    private static String url(Map<String, String> env, String key) {
        String v = blankToNull(env.get(key));
        if (v == null) {
            return null;
        }
        try {
            java.net.URI uri = new java.net.URI(v.strip());
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return v.strip().replaceAll("/+$", "");
            }
        } catch (java.net.URISyntaxException ignored) {
            // reported below
        }
        throw new ConfigException(key + ": \"" + v + "\" (expected: an http(s) URL like http://127.0.0.1:4318)");
    }

    static int port(Map<String, String> env, String key, int dflt) {
        String v = env.get(key);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            int p = Integer.parseInt(v.strip());
            if (p >= 0 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new ConfigException(key + ": \"" + v + "\" (expected: a port number 0-65535)");
    }

    private static long size(Map<String, String> env, String key, long dflt) {
        String v = env.get(key);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        String s = v.strip().toLowerCase(Locale.ROOT);
        long unit = switch (s.charAt(s.length() - 1)) {
            case 'k' -> 1024L;
            case 'm' -> 1024L * 1024;
            case 'g' -> 1024L * 1024 * 1024;
            default -> 1;
        };
        try {
            long n = Long.parseLong(unit == 1 ? s : s.substring(0, s.length() - 1));
            if (n > 0) {
                return n * unit;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new ConfigException(key + ": \"" + v + "\" (expected: a size like 200m, 1g or 5000000)");
    }

    private static Duration duration(Map<String, String> env, String key, Duration dflt) {
        String v = env.get(key);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m|h|d)").matcher(v.strip());
        if (m.matches() && Long.parseLong(m.group(1)) > 0) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        throw new ConfigException(key + ": \"" + v + "\" (expected: a duration like 500ms, 30s, 2m, 12h or 7d)");
    }

    private static String domain(String d) {
        if (!d.matches("[a-z0-9]([a-z0-9.-]*[a-z0-9])?")) {
            throw new ConfigException("HELIX_BASE_DOMAIN: \"" + d + "\" (expected: a lowercase domain such as localhost or apps.example.com)");
        }
        return d;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** A setting that cannot be used; the message names it and says what was expected. */
    public static final class ConfigException extends RuntimeException {
        public ConfigException(String message) {
            super(message);
        }
    }
}
