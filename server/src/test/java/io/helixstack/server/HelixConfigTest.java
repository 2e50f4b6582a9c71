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
}
