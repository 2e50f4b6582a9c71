package io.helixstack.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private static final Duration QUICK = Duration.ofMillis(200);

    @Test
    void doublesFromOneSecondAndStopsAtThirty() {
        Backoff backoff = Backoff.none();
        StringBuilder delays = new StringBuilder();
        for (int crash = 0; crash < 8; crash++) {
            backoff = backoff.afterCrash(QUICK);
            delays.append(backoff.delay().toSeconds()).append(' ');
        }

        assertThat(delays.toString().strip()).isEqualTo("1 2 4 8 16 30 30 30");
    }

    @Test
    void startsOverAfterARunOfSixtySeconds() {
        Backoff backoff = Backoff.none().afterCrash(QUICK).afterCrash(QUICK).afterCrash(QUICK);
        assertThat(backoff.delay()).isEqualTo(Duration.ofSeconds(4));

        assertThat(backoff.afterCrash(Duration.ofSeconds(60)).delay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.afterCrash(Duration.ofSeconds(59)).delay()).isEqualTo(Duration.ofSeconds(8));
    }

    @Test
    void manyCrashesDoNotOverflow() {
        assertThat(new Backoff(Integer.MAX_VALUE).delay()).isEqualTo(Backoff.MAX);
    }
}
