package io.helixstack.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.helixstack.plugin.api.Endpoint;
import io.helixstack.plugin.api.HealthCheck;
import io.helixstack.plugin.api.Readiness;
import io.helixstack.runtime.remote.RemoteRuntimeDriver;
import io.helixstack.runtime.remote.RuntimeAgent;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import io.helixstack.plugin.api.Instance;
import io.helixstack.plugin.api.InstanceStatus;
import io.helixstack.plugin.tck.InMemoryObservabilitySink;
import io.helixstack.store.SecretBox;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A runtime process is SIGKILLed for real (a child JVM running {@link RuntimeProcessMain}): its instance keeps serving,
 * and a driver started again on the same work root takes it over — supervision, output, port — or stops it when nobody
 * claims it or its launch does not open.
 */
class TakeoverTest {
    private static final String SECRET = "s3cr3t-" + UUID.randomUUID();

    @TempDir
    Path tmp;
    private final InMemoryObservabilitySink sink = new InMemoryObservabilitySink();
    private final byte[] key = TestApps.randomKey();
    private Path home;
    private Path workRoot;
    private Path artifact;
    private Process runtime;
    private final List<String> runtimeOutput = new CopyOnWriteArrayList<>();
    private ProcessRuntimeDriver next;

    @BeforeEach
    void paths() {
        home = tmp.resolve("home");
        workRoot = home.resolve("run");
        artifact = TestApps.artifact(tmp);
    }

    @AfterEach
    void stop() {
        if (runtime != null) {
            runtime.destroyForcibly();
        }
        if (next == null) {
            // Nothing took the instance over: stop it as a driver would.
            next = takeOver(SecretBox::new, Duration.ofMinutes(5));
        }
        next.close();
    }

    @Test
    void theInstanceServesWhileNoRuntimeRunsAndTheNextRuntimeTakesItOver() throws Exception {
        Instance instance = startRuntimeAndKillIt();
        // Written while no runtime process reads its output.
        assertThat(TestHttp.get(instance, "/say?text=while-nobody-watched")).isEqualTo("said");

        next = takeOver(SecretBox::new, Duration.ofMinutes(5));

        assertThat(next.unclaimed()).containsExactly(instance.id());
        assertThat(next.adopt(instance.deploymentId())).containsExactly(instance);
        assertThat(next.unclaimed()).isEmpty();
        await().untilAsserted(() -> assertThat(next.status(instance)).isEqualTo(InstanceStatus.RUNNING));
        await().untilAsserted(() -> assertThat(sink.lines(instance.id(), InstanceLog.STDOUT)).containsExactly("while-nobody-watched"));
        assertThat(TestHttp.get(instance, "/env")).contains(SECRET);
        assertThat(next.stats(instance)).hasValueSatisfying(s -> assertThat(s.memoryBytes()).isPositive());

        next.cleanup(instance, Duration.ofSeconds(5));

        assertThat(sink.lines(instance.id(), InstanceLog.STDOUT)).contains("got SIGTERM", "drained");
        assertThat(listening(instance)).isFalse();
        assertThat(workRoot.resolve("supervised").resolve(instance.id())).doesNotExist();
        assertThat(workRoot.resolve("instances").resolve(instance.id())).doesNotExist();
    }

    @Test
    void anInstanceThatCrashesAfterTheTakeoverIsStartedAgainOnItsPort() {
        Instance instance = startRuntimeAndKillIt();
        next = takeOver(SecretBox::new, Duration.ofMinutes(5));
        next.adopt(instance.deploymentId());
        await().untilAsserted(() -> assertThat(next.status(instance)).isEqualTo(InstanceStatus.RUNNING));

        TestHttp.getIgnoringFailure(instance, "/crash");

        await().untilAsserted(() -> assertThat(sink.lines(instance.id(), InstanceLog.SYSTEM)).anySatisfy(line -> assertThat(line)
                .startsWith("process exited (its exit code is unknown: an earlier runtime process started it)")));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(next.status(instance)).isEqualTo(InstanceStatus.RUNNING);
            assertThat(TestHttp.get(instance, "/")).isEqualTo("ok");
        });
        assertThat(next.stats(instance)).hasValueSatisfying(s -> assertThat(s.restarts()).isEqualTo(1));
    }

    @Test
    void anInstanceThatDiedWhileNoRuntimeRanIsStartedAgainByTheNext() {
        Instance instance = startRuntimeAndKillIt();
        TestHttp.getIgnoringFailure(instance, "/crash");
        await().until(() -> !listening(instance));

        next = takeOver(SecretBox::new, Duration.ofMinutes(5));

        assertThat(next.adopt(instance.deploymentId())).containsExactly(instance);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(next.status(instance)).isEqualTo(InstanceStatus.RUNNING);
            assertThat(TestHttp.get(instance, "/")).isEqualTo("ok");
        });
        assertThat(sink.lines(instance.id(), InstanceLog.SYSTEM)).anySatisfy(line -> assertThat(line)
                .startsWith("not running when the runtime started again"));
    }

    @Test
    void anInstanceTheNextControlPlaneDoesNotClaimIsStoppedAfterTheGrace() {
        Instance instance = startRuntimeAndKillIt();

        next = takeOver(SecretBox::new, Duration.ofSeconds(1));
        // No control plane has come yet (it may be down for long): the app keeps serving past the grace.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> listening(instance));
        assertThat(next.unclaimed()).containsExactly(instance.id());
        next.expectAdoption();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(next.status(instance)).isEqualTo(InstanceStatus.STOPPED);
            assertThat(listening(instance)).isFalse();
        });
        assertThat(sink.lines(instance.id(), InstanceLog.SYSTEM)).anySatisfy(line -> assertThat(line)
                .startsWith("no control plane claimed this instance within 1s"));
        assertThat(next.adopt(instance.deploymentId())).isEmpty();
    }

    @Test
    void instancesAControlPlaneStartingAgainDoesNotAdoptAreStoppedAfterTheGrace() {
        next = takeOver(SecretBox::new, Duration.ofSeconds(1));
        Instance served = next.deploy(TestApps.node(artifact, Map.of(), HealthCheck.defaults()));
        Instance leftover = next.deploy(TestApps.node(artifact, Map.of(), HealthCheck.defaults()));
        assertThat(next.awaitReady(served)).isInstanceOf(Readiness.Ready.class);
        assertThat(next.awaitReady(leftover)).isInstanceOf(Readiness.Ready.class);
        RuntimeAgent agent = new RuntimeAgent(new InetSocketAddress("127.0.0.1", 0), next, "agent-token-0123456789").start();
        RemoteRuntimeDriver control = new RemoteRuntimeDriver(URI.create("http://127.0.0.1:" + agent.port()), "agent-token-0123456789");
        try {
            control.expectAdoption();
            assertThat(control.adopt(served.deploymentId())).containsExactly(served);
        } finally {
            control.close();
            agent.close();
        }

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(next.status(leftover)).isEqualTo(InstanceStatus.STOPPED);
            assertThat(listening(leftover)).isFalse();
        });
        assertThat(sink.lines(leftover.id(), InstanceLog.SYSTEM)).anySatisfy(line -> assertThat(line)
                .startsWith("no control plane claimed this instance within 1s"));
        assertThat(next.status(served)).isEqualTo(InstanceStatus.RUNNING);
        assertThat(listening(served)).isTrue();
    }

    @Test
    void anInstanceTheRuntimeWasStoppingWhenKilledIsStoppedNotStartedAgain() throws Exception {
        Instance instance = startRuntimeAndKillIt(true, () -> {
            runtime.getOutputStream().write("STOP\n".getBytes(StandardCharsets.UTF_8));
            runtime.getOutputStream().flush();
            await().until(() -> runtimeOutput.contains("LOG got SIGTERM"));
            assertThat(workRoot.resolve("supervised").resolve(instance(runtimeOutput).id()).resolve("stopping")).exists();
        });
        assertThat(listening(instance)).as("it ignores SIGTERM: still up when the runtime dies").isTrue();

        next = takeOver(SecretBox::new, Duration.ofMinutes(5));

        assertThat(next.adopt(instance.deploymentId())).isEmpty();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(listening(instance)).isFalse());
        assertThat(workRoot.resolve("supervised").resolve(instance.id())).doesNotExist();
        assertThat(workRoot.resolve("instances").resolve(instance.id())).doesNotExist();
    }

    @Test
    void anInstanceWhosePidWasNeverRecordedIsFoundByItsIdAndStopped() throws Exception {
        Instance instance = startRuntimeAndKillIt();
        // As a runtime killed between starting the process and writing down its pid leaves it.
        Files.delete(workRoot.resolve("supervised").resolve(instance.id()).resolve("process"));

        next = takeOver(SecretBox::new, Duration.ofMinutes(5));

        assertThat(next.adopt(instance.deploymentId())).isEmpty();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(listening(instance)).isFalse());
        assertThat(workRoot.resolve("supervised").resolve(instance.id())).doesNotExist();
    }

    @Test
    void theSavedLaunchKeepsTheSecretSealedAndAnotherKeyCannotRunItSoItIsStopped() throws IOException {
        Instance instance = startRuntimeAndKillIt();
        Path saved = workRoot.resolve("supervised").resolve(instance.id()).resolve("launch.sealed");
        assertThat(new String(Files.readAllBytes(saved), StandardCharsets.ISO_8859_1)).doesNotContain(SECRET).doesNotContain("node");
        assertThat(Files.getPosixFilePermissions(saved.getParent())).extracting(Object::toString)
                .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE", "OWNER_EXECUTE");

        next = takeOver(ignored -> new SecretBox(TestApps.randomKey()), Duration.ofMinutes(5));

        assertThat(next.adopt(instance.deploymentId())).isEmpty();
        await().untilAsserted(() -> assertThat(listening(instance)).isFalse());
        assertThat(workRoot.resolve("supervised").resolve(instance.id())).doesNotExist();
    }

    /** Starts a runtime process that deploys the server, waits until it has read a line of its output, then SIGKILLs it. */
    private Instance startRuntimeAndKillIt() {
        return startRuntimeAndKillIt(false, () -> { });
    }

    /** What the READY line of the runtime process's output names. */
    private static Instance instance(List<String> output) {
        String[] ready = output.stream().filter(l -> l.startsWith("READY")).findFirst()
                .orElseThrow(() -> new AssertionError("the runtime process did not deploy: " + output)).split(" ");
        return new Instance(ready[1], UUID.fromString(ready[3]), "hello", "web",
                new Endpoint(ProcessRuntimeDriver.HOST, Integer.parseInt(ready[2])));
    }

    /** As {@link #startRuntimeAndKillIt()}, the app ignoring SIGTERM if asked, and {@code beforeKill} run just before the kill. */
    private Instance startRuntimeAndKillIt(boolean ignoreSigterm, ThrowingRunnable beforeKill) {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        try {
            runtime = new ProcessBuilder(java, "-cp", classpath, RuntimeProcessMain.class.getName(), home.toString(),
                    workRoot.toString(), artifact.toString(), HexFormat.of().formatHex(key), "true", SECRET,
                    ignoreSigterm ? "ignore-sigterm" : "-").redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("cannot start the runtime process", e);
        }
        Thread.ofVirtual().start(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(runtime.getInputStream(), StandardCharsets.UTF_8))) {
                lines.lines().forEach(runtimeOutput::add);
            } catch (IOException | java.io.UncheckedIOException e) {
                // the process was killed
            }
        });
        await().atMost(Duration.ofSeconds(60)).until(() -> runtimeOutput.stream().anyMatch(l -> l.startsWith("READY"))
                || !runtime.isAlive());
        Instance instance = instance(runtimeOutput);
        await().until(() -> runtimeOutput.contains("LOG listening on 127.0.0.1:" + instance.endpoint().port()));
        try {
            beforeKill.run();
        } catch (Exception e) {
            throw new AssertionError("before the kill", e);
        }

        runtime.destroyForcibly();
        await().until(() -> !runtime.isAlive());
        assertThat(TestHttp.get(instance, "/")).isEqualTo("ok");
        return instance;
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    private ProcessRuntimeDriver takeOver(java.util.function.Function<byte[], SecretBox> box, Duration grace) {
        return new ProcessRuntimeDriver(home, workRoot, sink, TestApps.sealerWith(box.apply(key)), true, Clock.systemUTC(),
                Scheduler.of(Executors.newSingleThreadScheduledExecutor()), Cgroups.probe(Path.of("/sys/fs/cgroup")), grace);
    }

    private static boolean listening(Instance instance) {
        try (Socket ignored = new Socket(instance.endpoint().host(), instance.endpoint().port())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
