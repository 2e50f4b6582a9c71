package io.helixstack.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.helixstack.plugin.api.HealthCheck;
import io.helixstack.plugin.api.Instance;
import io.helixstack.plugin.api.InstanceStatus;
import io.helixstack.plugin.api.Readiness;
import io.helixstack.plugin.tck.InMemoryObservabilitySink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Crash and restart, with the clock and the scheduler in the test's hands: no backoff is really waited out. */
class SupervisorTest {
    @TempDir
    Path tmp;
    private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
    private final ManualScheduler scheduler = new ManualScheduler();
    private final InMemoryObservabilitySink sink = new InMemoryObservabilitySink();
    private Path workRoot;
    private Path artifact;
    private ProcessRuntimeDriver driver;

    @BeforeEach
    void startDriver() {
        artifact = TestApps.artifact(tmp);
        workRoot = tmp.resolve("home/run");
        driver = new ProcessRuntimeDriver(tmp.resolve("home"), workRoot, sink, TestApps.sealer(), true, clock, scheduler);
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void aCrashingInstanceIsRestartedWithDoublingBackoffCappedAt30sOnTheSamePort() {
        Instance instance = driver.deploy(TestApps.spec(artifact, "sh crash.sh", Map.of(), HealthCheck.defaults()));

        List<Duration> delays = new ArrayList<>();
        for (int crash = 1; crash <= 7; crash++) {
            awaitOneRestartPending();
            assertThat(driver.status(instance)).isEqualTo(InstanceStatus.CRASHED);
            delays.add(scheduler.runNext());
        }

        assertThat(delays).containsExactly(seconds(1), seconds(2), seconds(4), seconds(8), seconds(16), seconds(30),
                seconds(30));
        await().untilAsserted(() -> assertThat(sink.lines(instance.id(), "stdout"))
                .hasSize(8)
                .containsOnly("run on port " + instance.endpoint().port()));
        assertThat(sink.lines(instance.id(), "stderr")).contains("about to crash");
        List<String> system = sink.lines(instance.id(), "system");
        assertThat(system).contains("process exited with code 3 after 0ms; restarting in 1s (restart #1)",
                "process exited with code 3 after 0ms; restarting in 30s (restart #7)");
        assertThat(system).filteredOn(line -> line.startsWith("restarting (restart #")).hasSize(7);
    }

    @Test
    void theBackoffStartsOverAfterARunOfAMinute() throws IOException {
        Instance instance = driver.deploy(TestApps.spec(artifact, "sh crash-on-signal-file.sh", Map.of(),
                HealthCheck.defaults()));
        Path trigger = workRoot.resolve("instances").resolve(instance.id()).resolve("crash");

        crashAndRestart(trigger);
        assertThat(scheduler.runNext()).isEqualTo(seconds(1));
        crashAndRestart(trigger);
        assertThat(scheduler.runNext()).isEqualTo(seconds(2));
        clock.advance(Duration.ofSeconds(61));
        crashAndRestart(trigger);

        assertThat(scheduler.pendingDelays()).containsExactly(seconds(1));
        assertThat(sink.lines(instance.id(), "system")).contains("process exited with code 1 after 61s; restarting in 1s"
                + " (restart #3)");
    }

    @Test
    void cleanupCancelsAPendingRestart() {
        Instance instance = driver.deploy(TestApps.spec(artifact, "sh crash.sh", Map.of(), HealthCheck.defaults()));
        awaitOneRestartPending();

        driver.cleanup(instance, Duration.ofSeconds(5));

        assertThat(scheduler.pendingDelays()).isEmpty();
        assertThat(driver.status(instance)).isEqualTo(InstanceStatus.STOPPED);
        assertThat(sink.lines(instance.id(), "system")).last().isEqualTo("stopped");
    }

    @Test
    void aRestartedInstanceAnswersAgainOnTheSameEndpointAndIsRunning() {
        Instance instance = driver.deploy(TestApps.node(artifact, Map.of("BODY", "back again"), HealthCheck.defaults()));
        assertThat(driver.awaitReady(instance)).isEqualTo(new Readiness.Ready());

        TestHttp.getIgnoringFailure(instance, "/crash");
        awaitOneRestartPending();
        assertThat(driver.status(instance)).isEqualTo(InstanceStatus.CRASHED);
        scheduler.runNext();

        await().untilAsserted(() -> assertThat(driver.status(instance)).isEqualTo(InstanceStatus.RUNNING));
        assertThat(TestHttp.get(instance, "/")).isEqualTo("back again");
        assertThat(sink.lines(instance.id(), "stderr")).contains("crashing on request");
        assertThat(sink.lines(instance.id(), "system")).contains("restarting (restart #1)");
    }

    @Test
    void awaitReadyOnACrashedInstanceAnswersAtOnceWithTheExit() {
        Instance instance = driver.deploy(TestApps.spec(artifact, "sh crash.sh", Map.of(), HealthCheck.defaults()));
        awaitOneRestartPending();

        assertThat(driver.awaitReady(instance))
                .isEqualTo(new Readiness.NotReady("process exited with code 3 before it was ready"));
    }

    @Test
    void closeStopsTheScheduler() {
        driver.deploy(TestApps.spec(artifact, "sh crash.sh", Map.of(), HealthCheck.defaults()));
        awaitOneRestartPending();

        driver.close();

        assertThat(scheduler.isShutdown()).isTrue();
        assertThat(scheduler.pendingDelays()).isEmpty();
    }

    private void crashAndRestart(Path trigger) throws IOException {
        Files.writeString(trigger, "");
        awaitOneRestartPending();
    }

    private void awaitOneRestartPending() {
        await().untilAsserted(() -> assertThat(scheduler.pendingDelays()).hasSize(1));
    }

    private static Duration seconds(long seconds) {
        return Duration.ofSeconds(seconds);
    }
}
