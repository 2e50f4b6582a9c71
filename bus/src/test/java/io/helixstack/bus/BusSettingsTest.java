package io.helixstack.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helixstack.plugin.api.EventBus;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BusSettingsTest {

    @Test
    void natsNamesMustBeUsableAsStreamSubjectAndBucket() {
        NatsEventBus.Settings defaults = NatsEventBus.Settings.defaults();

        assertThat(defaults.withNames("HELIX_TEST_1", "helixtest1", "HELIX_TEST_1_DEAD").subjectPrefix()).isEqualTo("helixtest1");
        assertThatThrownBy(() -> defaults.withNames("HELIX.1", "helix", "dead")).hasMessageContaining("stream: \"HELIX.1\" (expected");
        assertThatThrownBy(() -> defaults.withNames("HELIX", "helix.>", "dead")).hasMessageContaining("subjectPrefix: \"helix.>\"");
    }

    @Test
    void postgresSettingsRejectNonsense() {
        PostgresEventBus.Settings defaults = PostgresEventBus.Settings.defaults();

        assertThatThrownBy(() -> new PostgresEventBus.Settings(defaults.retry(), Duration.ZERO, defaults.fallbackPoll(), 1))
                .hasMessage("lease: PT0S (expected: > 0)");
        assertThatThrownBy(() -> new PostgresEventBus.Settings(defaults.retry(), defaults.lease(), defaults.fallbackPoll(), 0))
                .hasMessage("batchSize: 0 (expected: >= 1)");
    }

    @Test
    void consumerNamesAreCheckedAtTheEdge() {
        assertThat(EventBus.requireConsumerName("build-plane_2")).isEqualTo("build-plane_2");
        assertThatThrownBy(() -> EventBus.requireConsumerName("build plane")).hasMessageContaining("\"build plane\" (expected: 1-64");
        assertThatThrownBy(() -> EventBus.requireConsumerName("x".repeat(65))).isInstanceOf(IllegalArgumentException.class);
    }
}
