package io.helixstack.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Latency from a registry that keeps no histogram buckets (the busiest status class's own percentiles), and a delivery
 * process's series on the control plane's {@code /metrics}.
 */
class MetricsApiTest {
    @Test
    void theProxySeriesOfADeliveryProcessFollowThisProcesssOnes() throws Exception {
        io.micrometer.prometheusmetrics.PrometheusMeterRegistry control = new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
        new io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics().bindTo(control);
        io.micrometer.prometheusmetrics.PrometheusMeterRegistry delivery = new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
        Timer.builder(MetricsApi.REQUESTS).tags("app", "a", "deployment", "0123abcd", "status", "2xx")
                .publishPercentileHistogram().register(delivery).record(Duration.ofMillis(12));
        ProxyRequests.Source remote = new ProxyRequests.Source() {
            @Override
            public java.util.Map<String, ProxyRequests.Figures> of(String app) {
                return ProxyRequests.of(delivery).of(app);
            }

            @Override
            public String prometheusText() {
                return delivery.scrape();
            }
        };

        String text = new MetricsApi(null, control, remote, null).prometheus().aggregate().join().contentUtf8();

        java.util.List<String> names = new java.util.ArrayList<>();
        PrometheusTextParser.parse(text).forEach(f -> names.add(f.get("name").asText()));
        assertThat(names).contains("jvm_threads_live_threads", "helix_proxy_requests_seconds").doesNotHaveDuplicates();
        assertThat(text).contains("helix_proxy_requests_seconds_count{app=\"a\",deployment=\"0123abcd\",status=\"2xx\"} 1");
    }

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
