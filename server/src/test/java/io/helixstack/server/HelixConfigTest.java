package io.helixstack.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HelixConfigTest {
    @Test
    void defaultsAreTheEmbeddedSetUp() {
        HelixConfig c = HelixConfig.fromEnv(Map.of());
        assertThat(c.home()).isEqualTo(Path.of(System.getProperty("user.home"), ".helix").toAbsolutePath().normalize());
        assertThat(c.databaseUrl()).isNull();
        assertThat(c.bind()).isEqualTo("127.0.0.1");
        assertThat(c.apiPort()).isEqualTo(4000);
        assertThat(c.httpPort()).isEqualTo(8080);
        assertThat(c.baseDomain()).isEqualTo("localhost");
        assertThat(c.sandbox()).isTrue();
        assertThat(c.logRetention()).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void environmentOverrides() {
        HelixConfig c = HelixConfig.fromEnv(Map.of("HELIX_HOME", "/tmp/h", "HELIX_API_PORT", "0", "HELIX_UPLOAD_LIMIT", "5m",
                "HELIX_HEALTH_TIMEOUT", "500ms", "HELIX_SANDBOX", "off", "HELIX_DATABASE_URL", "postgresql://x@db/helix",
                "HELIX_LOG_RETENTION", "12h"));
        assertThat(c.home()).isEqualTo(Path.of("/tmp/h"));
        assertThat(c.apiPort()).isZero();
        assertThat(c.uploadLimit()).isEqualTo(5L * 1024 * 1024);
        assertThat(c.healthTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.logRetention()).isEqualTo(Duration.ofHours(12));
        assertThat(c.sandbox()).isFalse();
        assertThat(c.databaseUrl()).isEqualTo("postgresql://x@db/helix");
    }

    @Test
    void badValuesSayWhatWasExpected() {
        assertThatThrownBy(() -> HelixConfig.fromEnv(Map.of("HELIX_API_PORT", "http")))
                .hasMessage("HELIX_API_PORT: \"http\" (expected: a port number 0-65535)");
        assertThatThrownBy(() -> HelixConfig.fromEnv(Map.of("HELIX_UPLOAD_LIMIT", "lots"))).hasMessageContaining("expected: a size");
        assertThatThrownBy(() -> HelixConfig.fromEnv(Map.of("HELIX_HEALTH_TIMEOUT", "soon"))).hasMessageContaining("expected: a duration");
        assertThatThrownBy(() -> HelixConfig.fromEnv(Map.of("HELIX_BASE_DOMAIN", "Bad Domain"))).hasMessageContaining("expected: a lowercase domain");
    }

    @Test
    void observabilityGitAndTlsSettings(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        HelixConfig defaults = HelixConfig.fromEnv(Map.of());
        assertThat(defaults.sshPort()).isEqualTo(HelixConfig.DEFAULT_SSH_PORT);
        assertThat(defaults.metricsInterval()).isEqualTo(java.time.Duration.ofSeconds(15));
        assertThat(defaults.otlpEndpoint()).isNull();
        assertThat(defaults.proxyMetrics()).isTrue();
        assertThat(defaults.tls()).isNull();

        Path cert = java.nio.file.Files.writeString(tmp.resolve("cert.pem"), "x");
        Path key = java.nio.file.Files.writeString(tmp.resolve("key.pem"), "x");
        HelixConfig c = HelixConfig.fromEnv(Map.of("HELIX_SSH_PORT", "off", "HELIX_METRICS_INTERVAL", "2s",
                "HELIX_OTLP_ENDPOINT", "http://collector:4318/", "HELIX_PROXY_METRICS", "off",
                "HELIX_TLS_CERT", cert.toString(), "HELIX_TLS_KEY", key.toString()));
        assertThat(c.sshPort()).isEqualTo(-1);
        assertThat(c.metricsInterval()).isEqualTo(java.time.Duration.ofSeconds(2));
        assertThat(c.otlpEndpoint()).isEqualTo("http://collector:4318");
        assertThat(c.proxyMetrics()).isFalse();
        assertThat(c.tls().certificateChain()).isEqualTo(cert);

        assertThatThrownBy(() -> HelixConfig.fromEnv(Map.of("HELIX_OTLP_ENDPOINT", "collector:4318")))
                .hasMessageContaining("HELIX_OTLP_ENDPOINT").hasMessageContaining("expected");
        assertThatThrownBy(() -> HelixConfig.fromEnv(Map.of("HELIX_TLS_CERT", cert.toString())))
                .hasMessageContaining("HELIX_TLS_KEY: missing");
        assertThatThrownBy(() -> HelixConfig.fromEnv(Map.of("HELIX_TLS_CERT", cert.toString(), "HELIX_TLS_KEY", "/nope.pem")))
                .hasMessageContaining("not a readable file");
    }

    @Test
    void managedPostgresIsEmbeddedByDefaultOffOrAnAdminUrl() {
        assertThat(HelixConfig.fromEnv(Map.of()).managedPostgres()).isEqualTo("embedded");
        assertThat(HelixConfig.fromEnv(Map.of("HELIX_MANAGED_POSTGRES", "OFF")).managedPostgres()).isEqualTo("off");
        assertThat(HelixConfig.fromEnv(Map.of("HELIX_MANAGED_POSTGRES", "postgresql://admin:pw@db:5432/postgres")).managedPostgres())
                .isEqualTo("postgresql://admin:pw@db:5432/postgres");
        assertThatThrownBy(() -> HelixConfig.fromEnv(Map.of("HELIX_MANAGED_POSTGRES", "mysql://root:hunter2@db/x")))
                .hasMessageContaining("HELIX_MANAGED_POSTGRES: \"mysql://root:***@db/x\"")
                .hasMessageContaining("expected: embedded, off, or postgresql://")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void buildConcurrencyIsAWholeNumberOfBuildsAtOnce() {
        assertThat(HelixConfig.fromEnv(Map.of()).buildConcurrency()).isGreaterThanOrEqualTo(1);
        assertThat(HelixConfig.fromEnv(Map.of("HELIX_BUILD_CONCURRENCY", "3")).buildConcurrency()).isEqualTo(3);
        assertThatThrownBy(() -> HelixConfig.fromEnv(Map.of("HELIX_BUILD_CONCURRENCY", "0")))
                .hasMessage("HELIX_BUILD_CONCURRENCY: \"0\" (expected: a whole number from 1 to 64)");
        assertThatThrownBy(() -> HelixConfig.fromEnv(Map.of("HELIX_BUILD_CONCURRENCY", "many")))
                .hasMessageContaining("expected: a whole number");
    }

    @Test
    void buildMemoryIsASizeOrOff() {
        assertThat(HelixConfig.fromEnv(Map.of()).buildMemoryMb()).isEqualTo(2048);
        assertThat(HelixConfig.fromEnv(Map.of("HELIX_BUILD_MEMORY", "512m")).buildMemoryMb()).isEqualTo(512);
        assertThat(HelixConfig.fromEnv(Map.of("HELIX_BUILD_MEMORY", "off")).buildMemoryMb()).isZero();
        assertThatThrownBy(() -> HelixConfig.fromEnv(Map.of("HELIX_BUILD_MEMORY", "lots")))
                .hasMessageContaining("HELIX_BUILD_MEMORY: \"lots\" (expected: a size like 200m, 1g or 5000000)");
    }
}
