package io.helixstack.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.helixstack.plugin.api.HealthCheck;
import io.helixstack.plugin.api.Instance;
import io.helixstack.plugin.api.InstanceSpec;
import io.helixstack.plugin.api.InstanceStats;
import io.helixstack.plugin.api.InstanceStatus;
import io.helixstack.plugin.api.Readiness;
import io.helixstack.plugin.tck.InMemoryObservabilitySink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Real node and shell processes: environment, readiness reasons, output, and stopping politely. */
class ProcessRuntimeDriverTest {
    /** Set for the test JVM by the surefire configuration in runtime/pom.xml. */
    private static final String PLATFORM_VARIABLE = "HELIX_TEST_PLATFORM_SECRET";

    @TempDir
    Path tmp;
    private final InMemoryObservabilitySink sink = new InMemoryObservabilitySink();
    private ProcessRuntimeDriver driver;

    @AfterEach
    void closeDriver() {
        if (driver != null) {
            driver.close();
        }
    }

    @ParameterizedTest(name = "sandbox={0}")
    @ValueSource(booleans = {true, false})
    void theAppGetsItsOwnEnvironmentAndNothingOfThePlatforms(boolean sandbox) {
        assumeTrue(System.getenv(PLATFORM_VARIABLE) != null, PLATFORM_VARIABLE + " is not set in this JVM's environment"
                + " (surefire sets it; run through ./mvnw)");
        Path artifact = startDriver(sandbox);
        InstanceSpec spec = TestApps.node(artifact, Map.of("GREETING", "hi", "PORT", "1", "HOME", "/root"),
                HealthCheck.defaults());
        Instance instance = ready(spec);

        String env = TestHttp.get(instance, "/env");

        assertThat(env).doesNotContain(PLATFORM_VARIABLE).doesNotContain(System.getenv(PLATFORM_VARIABLE));
        assertThat(env).contains("\"GREETING\":\"hi\"", "\"NODE_ENV\":\"production\"",
                "\"PORT\":\"" + instance.endpoint().port() + "\"", "\"HOST\":\"127.0.0.1\"",
                "\"HOME\":\"" + tmp.resolve("home/run/instances").resolve(instance.id()) + "\"",
                "\"HELIX_DEPLOYMENT_ID\":\"" + spec.deploymentId() + "\"", "\"HELIX_INSTANCE_ID\":\"" + instance.id() + "\"",
                "\"PATH\":", "\"LANG\":");
    }

    @Test
    void aCrashAtStartIsNotReadyWithTheExitCode() {
        Path artifact = startDriver(true);
        Instance instance = driver.deploy(TestApps.node(artifact, Map.of("CRASH_AT_START", "1"), HealthCheck.defaults()));

        assertThat(driver.awaitReady(instance))
                .isEqualTo(new Readiness.NotReady("process exited with code 1 before it was ready"));
        assertThat(driver.status(instance)).isEqualTo(InstanceStatus.CRASHED);
        await().untilAsserted(() -> assertThat(sink.lines(instance.id(), "stderr")).contains("crashing at start"));
    }

    @Test
    void anUnhealthyAppIsNotReadyWithWhatItLastAnswered() {
        Path artifact = startDriver(true);
        Instance instance = driver.deploy(TestApps.node(artifact, Map.of("STATUS", "500"),
                new HealthCheck("/", Duration.ofSeconds(1))));

        assertThat(driver.awaitReady(instance))
                .isEqualTo(new Readiness.NotReady("GET / did not answer 2xx/3xx within 1s (last: answered 500)"));
        assertThat(driver.status(instance)).isEqualTo(InstanceStatus.STARTING);
    }

    @Test
    void anAppThatNeverListensIsNotReadyWithConnectionRefused() {
        Path artifact = startDriver(true);
        Instance instance = driver.deploy(TestApps.spec(artifact, "sleep 60", Map.of(),
                new HealthCheck("/healthz", Duration.ofMillis(1500))));

        assertThat(driver.awaitReady(instance)).isEqualTo(
                new Readiness.NotReady("GET /healthz did not answer 2xx/3xx within 1.5s (last: connection refused)"));
    }

    @Test
    void outputLinesReachTheSinkByStreamBetweenSystemLines() {
        Path artifact = startDriver(true);
        Instance instance = ready(TestApps.node(artifact, Map.of(), HealthCheck.defaults()));

        driver.cleanup(instance, Duration.ofSeconds(5));

        assertThat(sink.lines(instance.id(), "stdout"))
                .containsExactly("listening on 127.0.0.1:" + instance.endpoint().port(), "got SIGTERM", "drained");
        assertThat(sink.lines(instance.id(), "system")).first().asString().startsWith("started on " + instance.endpoint());
        assertThat(sink.lines(instance.id(), "system")).contains("ready: GET / answered", "process exited with code 0")
                .last().isEqualTo("stopped");
        assertThat(driver.collectLogs(instance, 3)).extracting(r -> r.line())
                .containsExactly("drained", "process exited with code 0", "stopped");
    }

    @ParameterizedTest(name = "sandbox={0}")
    @ValueSource(booleans = {true, false})
    void cleanupSendsSigtermToTheAppWhichDrainsBeforeTheGracePeriodEnds(boolean sandbox) {
        Path artifact = startDriver(sandbox);
        Instance instance = ready(TestApps.node(artifact, Map.of(), HealthCheck.defaults()));
        Path instanceDir = tmp.resolve("home/run/instances").resolve(instance.id());
        assertThat(instanceDir).isDirectory();

        long started = System.nanoTime();
        driver.cleanup(instance, Duration.ofSeconds(30));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(sink.lines(instance.id(), "stdout")).contains("got SIGTERM", "drained");
        assertThat(sink.lines(instance.id(), "system")).contains("process exited with code 0")
                .noneMatch(line -> line.startsWith("still running"));
        assertThat(driver.status(instance)).isEqualTo(InstanceStatus.STOPPED);
        assertThat(instanceDir).doesNotExist();
    }

    @ParameterizedTest(name = "sandbox={0}")
    @ValueSource(booleans = {true, false})
    void anAppIgnoringSigtermIsKilledAfterTheGracePeriod(boolean sandbox) {
        Path artifact = startDriver(sandbox);
        Instance instance = ready(TestApps.node(artifact, Map.of("IGNORE_SIGTERM", "1"), HealthCheck.defaults()));

        driver.cleanup(instance, Duration.ofMillis(500));

        assertThat(sink.lines(instance.id(), "stdout")).contains("got SIGTERM").doesNotContain("drained");
        assertThat(sink.lines(instance.id(), "system")).contains("still running 500ms after SIGTERM: SIGKILL",
                "process exited with code 137 (killed by signal 9)");
        assertThat(driver.status(instance)).isEqualTo(InstanceStatus.STOPPED);
    }

    @Test
    void withoutTheSandboxEachInstanceLogSaysSo() {
        Path artifact = startDriver(false);

        Instance instance = driver.deploy(TestApps.node(artifact, Map.of(), HealthCheck.defaults()));

        assertThat(driver.sandboxed()).isFalse();
        assertThat(sink.lines(instance.id(), "system")).first()
                .isEqualTo("sandbox disabled by configuration: instance runs without a sandbox");
    }

    @Test
    void prepareAndDeployRejectAMissingArtifactDirectory() {
        startDriver(true);
        InstanceSpec spec = TestApps.node(tmp.resolve("missing"), Map.of(), HealthCheck.defaults());

        assertThatThrownBy(() -> driver.prepare(spec.artifact())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not exist (expected: the unpacked artifact)");
        assertThatThrownBy(() -> driver.deploy(spec)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "sandbox={0}")
    @ValueSource(booleans = {true, false})
    void statsMeasureTheAppsCpuAndMemoryThroughTheSandbox(boolean sandbox) {
        Path artifact = startDriver(sandbox);
        Instance instance = ready(TestApps.node(artifact, Map.of(), HealthCheck.defaults()));
        InstanceStats before = driver.stats(instance).orElseThrow();

        assertThat(TestHttp.get(instance, "/burn?ms=400")).isEqualTo("burnt");

        InstanceStats after = driver.stats(instance).orElseThrow();
        assertThat(after.cpuSeconds() - before.cpuSeconds()).as("CPU seconds used by 400 ms of spinning")
                .isGreaterThan(0.25);
        assertThat(after.memoryBytes() - before.memoryBytes()).as("resident bytes after filling 64 MiB")
                .isGreaterThan(48L * 1024 * 1024);
        assertThat(after.restarts()).isZero();
    }

    @Test
    void statusAndLogsOfAStoppedInstanceRemainReadable() {
        Path artifact = startDriver(true);
        Instance instance = ready(TestApps.node(artifact, Map.of(), HealthCheck.defaults()));

        driver.cleanup(instance, Duration.ofSeconds(5));
        driver.cleanup(instance, Duration.ofSeconds(5));

        assertThat(driver.status(instance)).isEqualTo(InstanceStatus.STOPPED);
        assertThat(driver.collectLogs(instance, 1000)).isNotEmpty();
        assertThat(Files.exists(tmp.resolve("home/run/instances").resolve(instance.id()))).isFalse();
    }

    private Path startDriver(boolean sandbox) {
        driver = new ProcessRuntimeDriver(tmp.resolve("home"), tmp.resolve("home/run"), sink, TestApps.sealer(), sandbox);
        return TestApps.artifact(tmp);
    }

    private Instance ready(InstanceSpec spec) {
        Instance instance = driver.deploy(spec);
        assertThat(driver.awaitReady(instance)).isEqualTo(new Readiness.Ready());
        return instance;
    }
}
