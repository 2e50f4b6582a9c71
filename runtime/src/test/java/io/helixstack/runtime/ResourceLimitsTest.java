package io.helixstack.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.helixstack.plugin.api.HealthCheck;
import io.helixstack.plugin.api.Instance;
import io.helixstack.plugin.api.Readiness;
import io.helixstack.plugin.api.Resources;
import io.helixstack.plugin.api.TaskResult;
import io.helixstack.plugin.tck.InMemoryObservabilitySink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cpu and memory limits through cgroups (where this machine lets the tests create them), and tasks' environment. */
class ResourceLimitsTest {
    private static final Path CGROUP_MOUNT = Path.of("/sys/fs/cgroup");
    /** Groups of their own, never the platform's helix/: a server running on this machine keeps its limits. */
    private static final String TEST_PARENT = "helix-test-" + Long.toHexString(System.nanoTime());

    @TempDir
    Path tmp;
    private final InMemoryObservabilitySink sink = new InMemoryObservabilitySink();
    private ProcessRuntimeDriver driver;

    @AfterEach
    void closeDriver() {
        if (driver != null) {
            driver.close();
        }
        Cgroups.probe(CGROUP_MOUNT, TEST_PARENT).removeEmptyGroups();
    }

    @Test
    void anInstanceOverItsMemoryLimitIsKilledRestartedAndTheLogSaysWhy() {
        Path artifact = startDriver(requireCgroups());
        Instance instance = ready(TestApps.spec(artifact, "node server.js", Map.of(), HealthCheck.defaults(),
                new Resources(OptionalDouble.empty(), OptionalLong.of(96))));

        // /burn keeps 64 MiB more each time: the second call goes over 96 MB with node's own memory.
        TestHttp.getIgnoringFailure(instance, "/burn?ms=1");
        TestHttp.getIgnoringFailure(instance, "/burn?ms=1");

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(driver.collectLogs(instance, 100))
                .anySatisfy(r -> assertThat(r.line()).contains("killed by signal 9")
                        .contains("it went over its memory limit of 96 MB")));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(driver.stats(instance)).hasValueSatisfying(s -> assertThat(s.restarts()).isGreaterThanOrEqualTo(1)));
    }

    @Test
    void theCpuLimitIsTheGroupsQuotaAndTheGroupGoesWithTheInstance() throws Exception {
        Path artifact = startDriver(requireCgroups());
        Instance instance = ready(TestApps.spec(artifact, "node server.js", Map.of(), HealthCheck.defaults(),
                new Resources(OptionalDouble.of(0.5), OptionalLong.of(256))));

        Path v2 = CGROUP_MOUNT.resolve(TEST_PARENT).resolve(instance.id());
        if (Files.isRegularFile(CGROUP_MOUNT.resolve("cgroup.controllers"))) {
            assertThat(Files.readString(v2.resolve("cpu.max")).strip()).isEqualTo("50000 100000");
            assertThat(Files.readString(v2.resolve("memory.max")).strip()).isEqualTo(Long.toString(256L << 20));
            driver.cleanup(instance, Duration.ofSeconds(5));
            assertThat(v2).doesNotExist();
        } else {
            Path cpu = CGROUP_MOUNT.resolve("cpu").resolve(TEST_PARENT).resolve(instance.id());
            Path memory = CGROUP_MOUNT.resolve("memory").resolve(TEST_PARENT).resolve(instance.id());
            assertThat(Files.readString(cpu.resolve("cpu.cfs_quota_us")).strip()).isEqualTo("50000");
            assertThat(Files.readString(memory.resolve("memory.limit_in_bytes")).strip()).isEqualTo(Long.toString(256L << 20));
            assertThat(Files.readString(memory.resolve("cgroup.procs"))).as("the app runs in its group").isNotBlank();
            driver.cleanup(instance, Duration.ofSeconds(5));
            assertThat(cpu).doesNotExist();
            assertThat(memory).doesNotExist();
        }
        assertThat(driver.collectLogs(instance, 100)).anySatisfy(r -> assertThat(r.line()).isEqualTo("limits: cpu 0.5, memory 256 MB"));
    }

    @Test
    void whereCgroupsCannotBeUsedTheInstanceRunsAndItsLogSaysTheLimitsAreNotApplied() {
        Path artifact = startDriver(Cgroups.unavailable("cgroups are read-only here"));
        Instance instance = ready(TestApps.spec(artifact, "node server.js", Map.of(), HealthCheck.defaults(),
                new Resources(OptionalDouble.of(1), OptionalLong.empty())));

        assertThat(driver.collectLogs(instance, 100)).anySatisfy(r -> assertThat(r.line())
                .isEqualTo("cpu 1 not applied: cgroups are read-only here"));
    }

    @Test
    void aTaskGetsTheAppsEnvironmentAndAHomeButNoPort() {
        Path artifact = startDriver(Cgroups.unavailable("not needed"));
        var task = TestApps.task(artifact, "echo \"db=$DATABASE_URL home=${HOME:+set} port=${PORT:-none}\"",
                Map.of("DATABASE_URL", "postgresql://u@h/d"), Duration.ofSeconds(30), Resources.NONE);

        TaskResult result = driver.run(task);

        assertThat(result).isInstanceOf(TaskResult.Succeeded.class);
        assertThat(sink.records()).anySatisfy(r -> assertThat(r.line()).isEqualTo("db=postgresql://u@h/d home=set port=none"));
    }

    @Test
    void aWorkerThatExitsBeforeItSettledIsNotReady() {
        Path artifact = startDriver(Cgroups.unavailable("not needed"));
        Instance worker = driver.deploy(TestApps.spec(artifact, "sh crash.sh", Map.of(), HealthCheck.processUp(Duration.ofSeconds(5))));

        assertThat(driver.awaitReady(worker)).isEqualTo(new Readiness.NotReady("process exited with code 3 before it was ready"));
    }

    private static Cgroups requireCgroups() {
        Cgroups cgroups = Cgroups.probe(CGROUP_MOUNT, TEST_PARENT);
        assumeTrue(cgroups.active(), "cgroups cannot be used here: " + cgroups.unavailableReason());
        return cgroups;
    }

    private Path startDriver(Cgroups cgroups) {
        driver = new ProcessRuntimeDriver(tmp.resolve("home"), tmp.resolve("home/run"), sink, TestApps.sealer(), true,
                Clock.systemUTC(), Scheduler.of(Executors.newSingleThreadScheduledExecutor()), cgroups,
                ProcessRuntimeDriver.UNCLAIMED_GRACE);
        return TestApps.artifact(tmp);
    }

    private Instance ready(io.helixstack.plugin.api.InstanceSpec spec) {
        Instance instance = driver.deploy(spec);
        assertThat(driver.awaitReady(instance)).isEqualTo(new Readiness.Ready());
        return instance;
    }
}
