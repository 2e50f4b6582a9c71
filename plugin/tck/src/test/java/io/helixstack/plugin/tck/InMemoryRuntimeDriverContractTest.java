package io.helixstack.plugin.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.helixstack.domain.ArtifactKind;
import io.helixstack.domain.ArtifactMetadata;
import io.helixstack.domain.Source;
import io.helixstack.plugin.api.Artifact;
import io.helixstack.plugin.api.HealthCheck;
import io.helixstack.plugin.api.Instance;
import io.helixstack.plugin.api.InstanceSpec;
import io.helixstack.plugin.api.InstanceStatus;
import io.helixstack.plugin.api.ObservabilitySink;
import io.helixstack.plugin.api.Readiness;
import io.helixstack.plugin.api.Resources;
import io.helixstack.plugin.api.RuntimeDriver;
import io.helixstack.plugin.api.TaskSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class InMemoryRuntimeDriverContractTest extends RuntimeDriverContract {
    private static final String DIGEST = "sha256:" + "0".repeat(64);

    @Override
    protected RuntimeDriver createDriver(ObservabilitySink sink) {
        return new InMemoryRuntimeDriver(sink);
    }

    @Override
    protected InstanceSpec healthyApp(String body) {
        return spec(InMemoryRuntimeDriver.SERVE + " " + body, HealthCheck.defaults());
    }

    @Override
    protected InstanceSpec crashingApp() {
        return spec(InMemoryRuntimeDriver.CRASH, HealthCheck.defaults());
    }

    @Override
    protected InstanceSpec unhealthyApp(Duration healthTimeout) {
        return spec(InMemoryRuntimeDriver.UNHEALTHY, new HealthCheck("/", healthTimeout));
    }

    @Override
    protected InstanceSpec workerApp(Duration settle) {
        return spec(InMemoryRuntimeDriver.WORKER, HealthCheck.processUp(settle));
    }

    @Override
    protected TaskSpec task(String line, int exitCode, Duration timeout) {
        String command = exitCode < 0 ? InMemoryRuntimeDriver.TASK_HANG : InMemoryRuntimeDriver.TASK + " " + exitCode + " " + line;
        return new TaskSpec(UUID.randomUUID(), "fake-app", "release", spec(command, HealthCheck.defaults()).artifact(), command,
                Map.of(), timeout, Resources.NONE);
    }

    @Test
    void aCrashedInstanceComesBackOnTheSamePort() {
        InMemoryRuntimeDriver fake = (InMemoryRuntimeDriver) driver();
        Instance instance = fake.deploy(healthyApp("again"));
        assertThat(fake.awaitReady(instance)).isEqualTo(new Readiness.Ready());

        fake.crash(instance);

        assertThat(fake.status(instance)).isEqualTo(InstanceStatus.RUNNING);
        assertThat(fake.collectLogs(instance, 10)).anySatisfy(r -> assertThat(r.line()).contains("exited with code 1"));
        assertThat(fake.instances()).containsExactly(instance);
    }

    @Test
    void anUnknownCommandServesOk() {
        Instance instance = driver().deploy(spec("node server.js", HealthCheck.defaults()));

        assertThat(driver().awaitReady(instance)).isEqualTo(new Readiness.Ready());
        assertThat(driver().collectLogs(instance, 10)).anySatisfy(r -> assertThat(r.line()).contains("unknown command"));
    }

    private static InstanceSpec spec(String command, HealthCheck health) {
        ArtifactMetadata metadata = new ArtifactMetadata(DIGEST, "fake", ArtifactKind.SERVER, command, null,
                new Source.Upload(DIGEST), Map.of(), Instant.parse("2025-01-01T00:00:00Z"));
        Artifact artifact = new Artifact(metadata, Path.of("/nonexistent/fake-artifact"));
        return new InstanceSpec(UUID.randomUUID(), "fake-app", "web", artifact, command, Map.of(), health);
    }
}
