package io.helixstack.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.helixstack.plugin.api.Endpoint;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InFlightTrackerTest {
    private final InFlightTracker tracker = new InFlightTracker();
    private final Endpoint a = new Endpoint("127.0.0.1", 3001);
    private final Endpoint b = new Endpoint("127.0.0.1", 3002);

    @Test
    void countsPerEndpoint() {
        tracker.begin(a);
        tracker.begin(a);
        tracker.begin(b);
        tracker.end(a);

        assertThat(tracker.inFlight(a)).isEqualTo(1);
        assertThat(tracker.inFlight(b)).isEqualTo(1);
        assertThat(tracker.awaitIdle(List.of(a), Duration.ZERO)).isFalse();
    }

    @Test
    void wakesTheDrainWhenTheLastRequestEnds() throws Exception {
        tracker.begin(a);
        tracker.begin(a);
        CompletableFuture<Boolean> drain = CompletableFuture.supplyAsync(() -> tracker.awaitIdle(List.of(a), Duration.ofSeconds(30)));

        tracker.end(a);
        tracker.end(a);

        assertThat(drain.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(tracker.inFlight(a)).isZero();
    }

    @Test
    void anEndWithoutABeginIsHarmless() {
        tracker.end(a);

        assertThat(tracker.inFlight(a)).isZero();
        assertThat(tracker.awaitIdle(List.of(a), Duration.ZERO)).isTrue();
    }

    @Test
    void keepsWaitingWhileAnyNamedEndpointIsBusy() {
        tracker.begin(a);
        tracker.begin(b);
        tracker.end(a);

        assertThat(tracker.awaitIdle(List.of(a, b), Duration.ofMillis(100))).isFalse();
        assertThat(tracker.awaitIdle(List.of(a), Duration.ZERO)).isTrue();
    }
}
