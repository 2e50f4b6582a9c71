package io.helixstack.runtime.remote;

import com.fasterxml.jackson.databind.JsonNode;
import io.helixstack.agent.AgentServer;
import io.helixstack.plugin.api.Instance;
import io.helixstack.plugin.api.InstanceSpec;
import io.helixstack.plugin.api.RuntimeDriver;
import io.helixstack.plugin.api.TaskSpec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime plane as a process of its own ({@code helix server --planes runtime}): serves a {@link RuntimeDriver} — the
 * process runtime of this machine — to control planes elsewhere, which reach it through {@link RemoteRuntimeDriver}.
 * Every call needs the shared bearer token; calls that wait (readiness, a release task) run as long as the driver takes,
 * on blocking threads. The instances belong to this process: a control plane that stops or restarts leaves them running
 * and adopts them again.
 */
public final class RuntimeAgent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RuntimeAgent.class);
    private static final String OPERATIONS = "hello, prepare, deploy, await-ready, run, promote, cleanup, status, stats,"
            + " collect-logs, adopt or expect-adoption";

    private final RuntimeDriver driver;
    private final UUID bootId = UUID.randomUUID();
    private final AgentServer server;

    /**
     * @param address where to listen (port 0: any free one)
     * @param token   the bearer token every caller must send
     */
    public RuntimeAgent(InetSocketAddress address, RuntimeDriver driver, String token) {
        this.driver = Objects.requireNonNull(driver, "driver");
        this.server = new AgentServer(address, RuntimeWire.PREFIX, "runtime", token, RuntimeWire.JSON, this::call);
    }

    public RuntimeAgent start() {
        server.start();
        log.atInfo().addKeyValue("port", port()).addKeyValue("driver", driver.name()).addKeyValue("boot", bootId)
                .log("Runtime agent listening");
        return this;
    }

    public int port() {
        return server.port();
    }

    private Object call(String op, JsonNode args) throws IOException {
        return switch (op) {
            case RuntimeWire.HELLO -> new RuntimeWire.Hello(driver.name(), bootId);
            case "prepare" -> {
                driver.prepare(server.read(args, RuntimeWire.Prepare.class).artifact());
                yield Boolean.TRUE;
            }
            case "deploy" -> driver.deploy(server.read(args, InstanceSpec.class));
            case "await-ready" -> RuntimeWire.ReadinessWire.of(driver.awaitReady(server.read(args, Instance.class)));
            case "run" -> RuntimeWire.TaskResultWire.of(driver.run(server.read(args, TaskSpec.class)));
            case "promote" -> {
                driver.promote(server.read(args, RuntimeWire.Promote.class).instances());
                yield Boolean.TRUE;
            }
            case "cleanup" -> {
                RuntimeWire.Cleanup c = server.read(args, RuntimeWire.Cleanup.class);
                driver.cleanup(c.instance(), c.grace());
                yield Boolean.TRUE;
            }
            case "status" -> driver.status(server.read(args, Instance.class));
            case "stats" -> driver.stats(server.read(args, Instance.class)).orElse(null);
            case "collect-logs" -> {
                RuntimeWire.CollectLogs c = server.read(args, RuntimeWire.CollectLogs.class);
                yield driver.collectLogs(c.instance(), c.limit());
            }
            case "adopt" -> driver.adopt(server.read(args, RuntimeWire.Adopt.class).deploymentId());
            case "expect-adoption" -> {
                driver.expectAdoption();
                yield Boolean.TRUE;
            }
            default -> throw new AgentServer.UnknownOperation("runtime", op, OPERATIONS);
        };
    }

    /** Stops serving; the driver and its instances are the caller's to close. */
    @Override
    public void close() {
        server.close();
    }

    /** Stops serving, in the background: the port closes at once, Netty's event loops wind down for a couple of seconds. */
    public java.util.concurrent.CompletableFuture<Void> stop() {
        return server.stop();
    }
}
