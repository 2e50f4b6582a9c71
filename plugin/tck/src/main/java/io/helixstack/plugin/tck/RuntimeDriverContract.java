package io.helixstack.plugin.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import io.helixstack.plugin.api.Instance;
import io.helixstack.plugin.api.InstanceSpec;
import io.helixstack.plugin.api.InstanceStats;
import io.helixstack.plugin.api.InstanceStatus;
import io.helixstack.plugin.api.LogRecord;
import io.helixstack.plugin.api.ObservabilitySink;
import io.helixstack.plugin.api.Readiness;
import io.helixstack.plugin.api.RuntimeDriver;
import io.helixstack.plugin.api.TaskResult;
import io.helixstack.plugin.api.TaskSpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link RuntimeDriver} does, whatever its target. An implementation's test extends this class and says how to
 * build the driver and three kinds of app; the suite only talks to instances over HTTP on their endpoints, so it runs the
 * same against local processes, containers, pods and {@link InMemoryRuntimeDriver}.
 */
public abstract class RuntimeDriverContract {
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(5);
    /** Room for a slow machine on top of the timeouts the driver is asked to keep. */
    private static final Duration SLACK = Duration.ofSeconds(10);

    private HttpClient http;
    private InMemoryObservabilitySink sink;
    private RuntimeDriver driver;

    /** A new driver whose instances' output goes to {@code sink}. Called once per test; the suite closes it. */
    protected abstract RuntimeDriver createDriver(ObservabilitySink sink);

    /** An app that answers every GET with 200 and exactly {@code body}, and keeps running until stopped. */
    protected abstract InstanceSpec healthyApp(String body);

    /** An app whose process exits with a non-zero code at start, before it listens; health timeout of 30s or so. */
    protected abstract InstanceSpec crashingApp();

    /** An app that runs and answers every GET with 500; its health check gives up after {@code healthTimeout}. */
    protected abstract InstanceSpec unhealthyApp(Duration healthTimeout);

    /** A worker: keeps running until stopped, listens on nothing, health {@code HealthCheck.processUp(settle)}. */
    protected abstract InstanceSpec workerApp(Duration settle);

    /**
     * A task that prints {@code line} and exits with {@code exitCode}, or with {@code exitCode} negative keeps running
     * until it is killed; timeout {@code timeout}.
     */
    protected abstract TaskSpec task(String line, int exitCode, Duration timeout);

    /** The health timeout given to {@link #unhealthyApp}: short, so the suite stays fast. */
    protected Duration unhealthyTimeout() {
        return Duration.ofSeconds(2);
    }

    @BeforeEach
    final void startDriver() {
        http = HttpClient.newBuilder()
                .proxy(HttpClient.Builder.NO_PROXY)
                .connectTimeout(HTTP_TIMEOUT)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        sink = new InMemoryObservabilitySink();
        driver = createDriver(sink);
    }

    @AfterEach
    final void closeDriver() {
        driver.close();
        http.close();
    }

    /** The driver under test, for subclasses that add tests of their own. */
    protected final RuntimeDriver driver() {
        return driver;
    }

    /** Everything the driver sent to its sink so far. */
    protected final List<LogRecord> sinkRecords() {
        return sink.records();
    }

    @Test
    void prepareAcceptsTheArtifactTwice() {
        InstanceSpec spec = healthyApp("prepared");

        assertThatCode(() -> {
            driver.prepare(spec.artifact());
            driver.prepare(spec.artifact());
        }).doesNotThrowAnyException();
    }

    @Test
    void aHealthyAppIsReadyRunningAndAnswersOnItsEndpoint() {
        InstanceSpec spec = healthyApp("hello from the contract");
        driver.prepare(spec.artifact());

        Instance instance = driver.deploy(spec);
        Readiness readiness = driver.awaitReady(instance);

        assertThat(readiness).isEqualTo(new Readiness.Ready());
        assertThat(driver.status(instance)).isEqualTo(InstanceStatus.RUNNING);
        assertThat(instance.deploymentId()).isEqualTo(spec.deploymentId());
        assertThat(instance.app()).isEqualTo(spec.app());
        assertThat(instance.service()).isEqualTo(spec.service());
        assertThat(get(instance)).contains("hello from the contract");
    }

    @Test
    void anAppThatCrashesAtStartIsNotReadyWithAReasonWithoutWaitingOutItsTimeout() {
        InstanceSpec spec = crashingApp();
        driver.prepare(spec.artifact());

        Instance instance = driver.deploy(spec);
        long started = System.nanoTime();
        Readiness readiness = driver.awaitReady(instance);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(readiness).isInstanceOf(Readiness.NotReady.class);
        assertThat(((Readiness.NotReady) readiness).reason()).isNotBlank();
        assertThat(took).as("a crash is reported as soon as it happens").isLessThan(spec.health().timeout());
        assertThat(driver.status(instance)).isNotEqualTo(InstanceStatus.RUNNING);
        assertThat(driver.collectLogs(instance, 100)).as("a crash leaves a trace in the instance's logs").isNotEmpty();
    }

    @Test
    void anAppThatNeverAnswersHealthyIsNotReadyOnceItsTimeoutHasPassed() {
        Duration timeout = unhealthyTimeout();
        InstanceSpec spec = unhealthyApp(timeout);
        assertThat(spec.health().timeout()).isEqualTo(timeout);
        driver.prepare(spec.artifact());

        Instance instance = driver.deploy(spec);
        long started = System.nanoTime();
        Readiness readiness = driver.awaitReady(instance);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(readiness).isInstanceOf(Readiness.NotReady.class);
        assertThat(((Readiness.NotReady) readiness).reason()).isNotBlank();
        assertThat(took).as("the driver waits out the health timeout").isGreaterThanOrEqualTo(timeout.multipliedBy(9).dividedBy(10));
        assertThat(took).as("and not much longer").isLessThan(timeout.plus(SLACK));
        assertThat(driver.status(instance)).isNotEqualTo(InstanceStatus.RUNNING);
    }

    @Test
    void cleanupStopsTheInstanceAndItsEndpointStopsAnswering() {
        Instance instance = readyInstance(healthyApp("about to stop"));

        driver.cleanup(instance, Duration.ofSeconds(5));

        assertThat(driver.status(instance)).isEqualTo(InstanceStatus.STOPPED);
        await().atMost(SLACK).untilAsserted(() -> assertThat(tryGet(instance)).as("answer after cleanup").isEmpty());
    }

    @Test
    void cleanupIsIdempotent() {
        Instance instance = readyInstance(healthyApp("stop twice"));

        driver.cleanup(instance, Duration.ofSeconds(5));

        assertThatCode(() -> driver.cleanup(instance, Duration.ofSeconds(5))).doesNotThrowAnyException();
        assertThat(driver.status(instance)).isEqualTo(InstanceStatus.STOPPED);
    }

    @Test
    void cleanupOfAnInstanceThatNeverBecameReadyStopsIt() {
        Instance instance = driver.deploy(crashingApp());
        driver.awaitReady(instance);

        driver.cleanup(instance, Duration.ofSeconds(5));

        assertThat(driver.status(instance)).isEqualTo(InstanceStatus.STOPPED);
    }

    @Test
    void instanceLogsReachTheSinkAndCollectLogs() {
        InstanceSpec spec = healthyApp("logging");
        Instance instance = readyInstance(spec);
        get(instance);

        await().atMost(SLACK).untilAsserted(() -> assertThat(sink.records())
                .anySatisfy(r -> assertThat(r.source()).isEqualTo(instance.id())));
        assertThat(sink.records()).filteredOn(r -> r.source().equals(instance.id()))
                .allSatisfy(r -> assertThat(r.deploymentId()).isEqualTo(spec.deploymentId()));
        List<LogRecord> collected = driver.collectLogs(instance, 1000);
        assertThat(collected).isNotEmpty().allSatisfy(r -> assertThat(r.source()).isEqualTo(instance.id()));
        assertThat(collected).extracting(LogRecord::at).isSorted();
        assertThat(driver.collectLogs(instance, 1)).hasSize(1);
    }

    @Test
    void twoInstancesOfOneSpecGetTheirOwnIdsAndEndpoints() {
        InstanceSpec spec = healthyApp("one of two");

        Instance first = readyInstance(spec);
        Instance second = readyInstance(spec);

        assertThat(first.id()).isNotEqualTo(second.id());
        assertThat(first.endpoint()).isNotEqualTo(second.endpoint());
        assertThat(get(first)).contains("one of two");
        assertThat(get(second)).contains("one of two");

        driver.cleanup(first, Duration.ofSeconds(5));

        assertThat(driver.status(second)).isEqualTo(InstanceStatus.RUNNING);
        assertThat(get(second)).contains("one of two");
    }

    @Test
    void promoteKeepsInstancesRunning() {
        Instance instance = readyInstance(healthyApp("promoted"));

        driver.promote(List.of(instance));

        assertThat(driver.status(instance)).isEqualTo(InstanceStatus.RUNNING);
        assertThat(get(instance)).contains("promoted");
    }

    @Test
    void aRunningInstanceReportsItsUsageAndNoRestarts() {
        Instance instance = readyInstance(healthyApp("measured"));
        get(instance);

        Optional<InstanceStats> stats = driver.stats(instance);

        assertThat(stats).as("stats of a running instance").isPresent();
        assertThat(stats.get().restarts()).isZero();
        assertThat(stats.get().cpuSeconds()).isGreaterThanOrEqualTo(0);
        assertThat(stats.get().memoryBytes()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void aCrashLoopingInstanceCountsItsRestarts() {
        Instance instance = driver.deploy(crashingApp());
        driver.awaitReady(instance);

        await().atMost(SLACK).untilAsserted(() -> assertThat(driver.stats(instance))
                .as("the supervisor restarts a crashing instance and counts it")
                .hasValueSatisfying(s -> assertThat(s.restarts()).isGreaterThanOrEqualTo(2)));
    }

    @Test
    void aStoppedOrUnknownInstanceHasNoStats() {
        Instance instance = readyInstance(healthyApp("stopped, unmeasured"));
        driver.cleanup(instance, Duration.ofSeconds(5));

        assertThat(driver.stats(instance)).isEmpty();
        assertThat(driver.stats(new Instance("never-deployed", instance.deploymentId(), instance.app(), instance.service(),
                instance.endpoint()))).isEmpty();
    }

    @Test
    void aWorkerIsReadyOnceItHasStayedUpForItsSettleTime() {
        Duration settle = Duration.ofMillis(800);
        InstanceSpec spec = workerApp(settle);
        driver.prepare(spec.artifact());

        Instance worker = driver.deploy(spec);
        long started = System.nanoTime();
        Readiness readiness = driver.awaitReady(worker);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(readiness).isEqualTo(new Readiness.Ready());
        assertThat(took).as("a worker is not called ready before it has run for its settle time").isGreaterThanOrEqualTo(settle);
        assertThat(driver.status(worker)).isEqualTo(InstanceStatus.RUNNING);
        driver.cleanup(worker, Duration.ofSeconds(5));
        assertThat(driver.status(worker)).isEqualTo(InstanceStatus.STOPPED);
    }

    @Test
    void aTaskThatExitsZeroSucceedsAndItsOutputReachesTheSink() {
        TaskSpec task = task("migrated 3 tables", 0, Duration.ofSeconds(30));
        driver.prepare(task.artifact());

        TaskResult result = driver.run(task);

        assertThat(result).isInstanceOf(TaskResult.Succeeded.class);
        await().atMost(SLACK).untilAsserted(() -> assertThat(sink.records())
                .anySatisfy(r -> {
                    assertThat(r.deploymentId()).isEqualTo(task.deploymentId());
                    assertThat(r.line()).contains("migrated 3 tables");
                }));
    }

    @Test
    void aTaskThatExitsNonZeroFailsNamingItsExitCode() {
        TaskResult result = driver.run(task("migration failed", 3, Duration.ofSeconds(30)));

        assertThat(result).isInstanceOf(TaskResult.Failed.class);
        assertThat(((TaskResult.Failed) result).reason()).contains("code 3");
    }

    @Test
    void aTaskThatRunsPastItsTimeoutIsKilledAndFails() {
        Duration timeout = Duration.ofSeconds(1);
        long started = System.nanoTime();

        TaskResult result = driver.run(task("stuck", -1, timeout));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(result).isInstanceOf(TaskResult.Failed.class);
        assertThat(((TaskResult.Failed) result).reason()).contains("killed");
        assertThat(took).isGreaterThanOrEqualTo(timeout).isLessThan(timeout.plus(SLACK));
    }

    @Test
    void adoptReturnsTheDeploymentsRunningInstancesAndNothingOnceTheyAreStopped() {
        InstanceSpec spec = healthyApp("adopted");
        Instance first = readyInstance(spec);
        Instance second = readyInstance(spec);
        Instance other = readyInstance(healthyApp("someone else"));

        assertThat(driver.adopt(spec.deploymentId())).extracting(Instance::id).containsExactlyInAnyOrder(first.id(), second.id());
        assertThat(driver.adopt(other.deploymentId())).extracting(Instance::id).containsExactly(other.id());

        driver.cleanup(first, Duration.ofSeconds(5));
        driver.cleanup(second, Duration.ofSeconds(5));
        assertThat(driver.adopt(spec.deploymentId())).isEmpty();
        assertThat(driver.adopt(java.util.UUID.randomUUID())).isEmpty();
    }

    @Test
    void closeStopsEveryInstance() {
        Instance first = readyInstance(healthyApp("closing 1"));
        Instance second = readyInstance(healthyApp("closing 2"));

        driver.close();

        await().atMost(SLACK).untilAsserted(() -> {
            assertThat(tryGet(first)).isEmpty();
            assertThat(tryGet(second)).isEmpty();
        });
    }

    private Instance readyInstance(InstanceSpec spec) {
        driver.prepare(spec.artifact());
        Instance instance = driver.deploy(spec);
        assertThat(driver.awaitReady(instance)).isEqualTo(new Readiness.Ready());
        return instance;
    }

    private String get(Instance instance) {
        return tryGet(instance).orElseThrow(() -> new AssertionError("GET / on " + instance.endpoint() + " did not answer"));
    }

    /** The body of {@code GET /}, or empty when nothing answers on the endpoint. */
    private Optional<String> tryGet(Instance instance) {
        URI uri = URI.create("http://" + instance.endpoint() + "/");
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(HTTP_TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString());
            return Optional.of(response.body());
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while calling " + uri, e);
        }
    }
}
