package io.helixstack.runtime;

import io.helixstack.plugin.api.HealthCheck;
import io.helixstack.plugin.api.InstanceSpec;
import io.helixstack.plugin.api.ObservabilitySink;
import io.helixstack.plugin.api.Resources;
import io.helixstack.plugin.api.RuntimeDriver;
import io.helixstack.plugin.api.TaskSpec;
import io.helixstack.plugin.tck.RuntimeDriverContract;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** The contract against real node processes, sandboxed by bubblewrap where it works here. */
class ProcessRuntimeDriverContractTest extends RuntimeDriverContract {
    @TempDir
    Path tmp;
    private Path artifact;

    boolean sandbox() {
        return true;
    }

    @Override
    protected RuntimeDriver createDriver(ObservabilitySink sink) {
        artifact = TestApps.artifact(tmp);
        return new ProcessRuntimeDriver(tmp.resolve("helix-home"), tmp.resolve("helix-home/run"), sink, TestApps.sealer(), sandbox());
    }

    @Override
    protected InstanceSpec healthyApp(String body) {
        return TestApps.node(artifact, Map.of("BODY", body), HealthCheck.defaults());
    }

    @Override
    protected InstanceSpec crashingApp() {
        return TestApps.node(artifact, Map.of("CRASH_AT_START", "1"), HealthCheck.defaults());
    }

    @Override
    protected InstanceSpec unhealthyApp(Duration healthTimeout) {
        return TestApps.node(artifact, Map.of("STATUS", "500"), new HealthCheck("/", healthTimeout));
    }

    @Override
    protected InstanceSpec workerApp(Duration settle) {
        return TestApps.spec(artifact, "sh worker.sh", Map.of(), HealthCheck.processUp(settle));
    }

    @Override
    protected TaskSpec task(String line, int exitCode, Duration timeout) {
        String command = exitCode < 0 ? "echo '" + line + "'; sleep 600" : "echo '" + line + "'; exit " + exitCode;
        return TestApps.task(artifact, command, Map.of(), timeout, Resources.NONE);
    }

}
