package io.helixstack.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helixstack.plugin.api.RetryPolicy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    @Test
    void backoffDoublesUpToItsCap() {
        RetryPolicy policy = new RetryPolicy(10, Duration.ofSeconds(1), Duration.ofSeconds(5));

        assertThat(policy.backoff(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.backoff(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(policy.backoff(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(policy.backoff(4)).isEqualTo(Duration.ofSeconds(5));
        assertThat(policy.backoff(1000)).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void theLastAttemptIsTheMaxth() {
        RetryPolicy policy = new RetryPolicy(3, Duration.ZERO, Duration.ZERO);

        assertThat(policy.exhausted(2)).isFalse();
        assertThat(policy.exhausted(3)).isTrue();
    }

    @Test
    void saysWhatWasExpected() {
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO)).hasMessage("maxAttempts: 0 (expected: >= 1)");
        assertThatThrownBy(() -> new RetryPolicy(1, Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageContaining("expected: 0 <= initialBackoff <= maxBackoff");
    }
}
