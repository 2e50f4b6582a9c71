package io.helixstack.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Latency from a registry that keeps no histogram buckets: the busiest status class's own percentiles. */
class MetricsApiTest {
    @Test
    void withoutBucketsTheBusiestStatusClassSpeaks() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Timer ok = timer(registry, "2xx");
        for (int ms = 1; ms <= 100; ms++) {
            ok.record(Duration.ofMillis(ms));
        }
        Timer failed = timer(registry, "5xx");
        failed.record(Duration.ofSeconds(5));

        ProxyRequests.Latency latency = MetricsApi.latency(List.of(failed, ok));

        assertThat(latency.p50()).isBetween(45.0, 55.0);
        assertThat(latency.p99()).isBetween(95.0, 105.0);
        assertThat(MetricsApi.latency(List.of())).isNull();
    }

    private static Timer timer(SimpleMeterRegistry registry, String status) {
        return Timer.builder(MetricsApi.REQUESTS).tags("app", "a", "deployment", "0123abcd", "status", status)
                .publishPercentileHistogram().publishPercentiles(0.5, 0.95, 0.99).register(registry);
    }
}
