package io.helixstack.runtime.remote;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
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
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RemoteRuntimeDriver.class);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final URI base;
    private final String token;
    private final HttpClient http;
    private final String name;
    private volatile UUID bootId;
    private volatile java.util.concurrent.ScheduledExecutorService watcher;
    private volatile boolean unreachable;

    /**
     * Connects to the agent at {@code base} (e.g. {@code http://127.0.0.1:7420}) and asks its name.
     *
     * @throws IllegalStateException when the agent does not answer or refuses the token
     */
    public RemoteRuntimeDriver(URI base, String token) {
        this.base = Objects.requireNonNull(base, "base");
        this.token = Objects.requireNonNull(token, "token");
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).proxy(HttpClient.Builder.NO_PROXY)
                .version(HttpClient.Version.HTTP_1_1).build();
        RuntimeWire.Hello hello = hello();
        this.name = hello.name();
        this.bootId = hello.bootId();
    }

    /**
     * Asks the agent every {@code every} whether it is the same process as before; when it is not (the runtime process was
     * stopped and started again, and its instances went with the old one), runs {@code onRestart} once for that start.
     */
    public synchronized void watch(Duration every, Runnable onRestart) {
        if (watcher != null) {
            throw new IllegalStateException("already watched");
        }
        watcher = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("helix-runtime-watch").factory());
        watcher.scheduleWithFixedDelay(() -> {
            UUID now;
            try {
                now = hello().bootId();
            } catch (RuntimeException e) {
                if (!unreachable) {
                    unreachable = true;
                    log.atWarn().addKeyValue("runtime", base).addKeyValue("error", e.getMessage()).log("Runtime plane unreachable");
                }
                return;
            }
            if (unreachable) {
                unreachable = false;
                log.atInfo().addKeyValue("runtime", base).log("Runtime plane reachable again");
            }
            if (!now.equals(bootId)) {
                bootId = now;
                log.atWarn().addKeyValue("runtime", base).log("Runtime plane started again: its instances are gone");
                try {
                    onRestart.run();
                } catch (RuntimeException e) {
                    log.atError().setCause(e).log("Handling the runtime plane's restart failed");
                }
            }
        }, every.toMillis(), every.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** The agent's name and boot id: a new boot id means the runtime process started again since the last call. */
    public RuntimeWire.Hello hello() {
        return call(RuntimeWire.HELLO, null, RuntimeWire.Hello.class, CALL_TIMEOUT);
    }

    /** Where the agent is, for messages. */
    public URI address() {
        return base;
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

    /** Closes this client only: the runtime process keeps its instances. */
    @Override
    public void close() {
        if (watcher != null) {
            watcher.shutdownNow();
        }
        http.close();
    }

    private <T> T call(String op, Object args, Class<T> type, Duration timeout) {
        return call(op, args, RuntimeWire.JSON.getTypeFactory().constructType(type), timeout);
    }

    private <T> T call(String op, Object args, TypeReference<T> type, Duration timeout) {
        return call(op, args, RuntimeWire.JSON.getTypeFactory().constructType(type), timeout);
    }

    private <T> T call(String op, Object args, JavaType type, Duration timeout) {
        HttpResponse<String> response;
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(RuntimeWire.PREFIX + op))
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(RuntimeWire.JSON.writeValueAsBytes(args)));
            if (timeout != null) {
                request.timeout(timeout);
            }
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("runtime plane at " + base + " did not answer " + op + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while calling the runtime plane at " + base, e);
        }
        try {
            if (response.statusCode() != 200) {
                String detail = response.body();
                try {
                    detail = RuntimeWire.JSON.readValue(response.body(), RuntimeWire.Problem.class).detail();
                } catch (IOException notAProblem) {
                    // keep the body as it came
                }
                throw new IllegalStateException("runtime plane at " + base + " (" + response.statusCode() + "): " + detail);
            }
            return RuntimeWire.JSON.readValue(response.body(), type);
        } catch (IOException e) {
            throw new IllegalStateException("runtime plane at " + base + " answered " + op + " with what is not its result: " + e, e);
        }
    }
}
