package io.helixstack.runtime.remote;

import com.fasterxml.jackson.core.type.TypeReference;
import io.helixstack.agent.AgentClient;
import io.helixstack.plugin.api.Artifact;
import io.helixstack.plugin.api.Instance;
import io.helixstack.plugin.api.InstanceSpec;
import io.helixstack.plugin.api.InstanceStats;
import io.helixstack.plugin.api.InstanceStatus;
import io.helixstack.plugin.api.LogRecord;
import io.helixstack.plugin.api.Readiness;
import io.helixstack.plugin.api.RuntimeDriver;
import io.helixstack.plugin.api.TaskResult;
import io.helixstack.plugin.api.TaskSpec;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * A {@link RuntimeDriver} in another process: every call goes to that process's {@link RuntimeAgent} over HTTP, with
 * the shared token. The instances live there; {@link #close()} closes only this client (stopping the control plane does
 * not stop the runtime plane's instances — they are adopted again when it comes back).
 */
public final class RemoteRuntimeDriver implements RuntimeDriver {
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final AgentClient agent;
    private final String name;
    private final UUID bootId;

    /**
     * Connects to the agent at {@code base} (e.g. {@code http://127.0.0.1:7420}) and asks its name.
     *
     * @throws IllegalStateException when the agent does not answer or refuses the token
     */
    public RemoteRuntimeDriver(URI base, String token) {
        this.agent = new AgentClient(Objects.requireNonNull(base, "base"), RuntimeWire.PREFIX, "runtime",
                Objects.requireNonNull(token, "token"), RuntimeWire.JSON);
        RuntimeWire.Hello hello;
        try {
            hello = hello();
        } catch (RuntimeException e) {
            agent.close();
            throw e;
        }
        this.name = hello.name();
        this.bootId = hello.bootId();
    }

    /**
     * Asks the agent every {@code every} whether it is the same process as before; when it is not (the runtime process was
     * stopped and started again), runs {@code onRestart} once for that start.
     */
    public void watch(Duration every, Runnable onRestart) {
        agent.watch(every, bootId, () -> hello().bootId(), onRestart);
    }

    /** The agent's name and boot id: a new boot id means the runtime process started again since the last call. */
    public RuntimeWire.Hello hello() {
        return call(RuntimeWire.HELLO, null, RuntimeWire.Hello.class, CALL_TIMEOUT);
    }

    /** Where the agent is, for messages. */
    public URI address() {
        return agent.address();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void prepare(Artifact artifact) {
        call("prepare", new RuntimeWire.Prepare(artifact), Boolean.class, CALL_TIMEOUT);
    }

    @Override
    public Instance deploy(InstanceSpec spec) {
        return call("deploy", spec, Instance.class, CALL_TIMEOUT);
    }

    @Override
    public Readiness awaitReady(Instance instance) {
        // As long as the instance's health timeout, which only the agent knows: the agent bounds it.
        return call("await-ready", instance, RuntimeWire.ReadinessWire.class, null).readiness();
    }

    @Override
    public TaskResult run(TaskSpec task) {
        return call("run", task, RuntimeWire.TaskResultWire.class, task.timeout().plus(CALL_TIMEOUT)).result();
    }

    @Override
    public void promote(List<Instance> instances) {
        call("promote", new RuntimeWire.Promote(instances), Boolean.class, CALL_TIMEOUT);
    }

    @Override
    public void cleanup(Instance instance, Duration grace) {
        call("cleanup", new RuntimeWire.Cleanup(instance, grace), Boolean.class, grace.plus(CALL_TIMEOUT));
    }

    @Override
    public InstanceStatus status(Instance instance) {
        return call("status", instance, InstanceStatus.class, CALL_TIMEOUT);
    }

    @Override
    public Optional<InstanceStats> stats(Instance instance) {
        return Optional.ofNullable(call("stats", instance, InstanceStats.class, CALL_TIMEOUT));
    }

    @Override
    public List<LogRecord> collectLogs(Instance instance, int limit) {
        return call("collect-logs", new RuntimeWire.CollectLogs(instance, limit), new TypeReference<List<LogRecord>>() { }, CALL_TIMEOUT);
    }

    @Override
    public List<Instance> adopt(UUID deploymentId) {
        return call("adopt", new RuntimeWire.Adopt(deploymentId), new TypeReference<List<Instance>>() { }, CALL_TIMEOUT);
    }

    @Override
    public void expectAdoption() {
        call("expect-adoption", null, Boolean.class, CALL_TIMEOUT);
    }

    /** Closes this client only: the runtime process keeps its instances. */
    @Override
    public void close() {
        agent.close();
    }

    private <T> T call(String op, Object args, Class<T> type, Duration timeout) {
        return agent.call(op, args, type, timeout);
    }

    private <T> T call(String op, Object args, TypeReference<T> type, Duration timeout) {
        return agent.call(op, args, type, timeout);
    }
}
