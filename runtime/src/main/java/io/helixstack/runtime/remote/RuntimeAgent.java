package io.helixstack.runtime.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.helixstack.plugin.api.Instance;
import io.helixstack.plugin.api.InstanceSpec;
import io.helixstack.plugin.api.RuntimeDriver;
import io.helixstack.plugin.api.TaskSpec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
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

    private final RuntimeDriver driver;
    private final byte[] token;
    private final UUID bootId = UUID.randomUUID();
    private final Server server;

    /**
     * @param address where to listen (port 0: any free one)
     * @param token   the bearer token every caller must send
     */
    public RuntimeAgent(InetSocketAddress address, RuntimeDriver driver, String token) {
        this.driver = Objects.requireNonNull(driver, "driver");
        if (token == null || token.length() < 16) {
            throw new IllegalArgumentException("runtime agent token: too short (expected: at least 16 characters)");
        }
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.server = Server.builder()
                .http(address)
                // A readiness wait or a release task runs as long as its own timeout says; the caller bounds it.
                .requestTimeoutMillis(0)
                .maxRequestLength(16 * 1024 * 1024)
                // No quiet period on stop: callers are control planes that retry, not browsers.
                .gracefulShutdownTimeoutMillis(0, 1000)
                .serviceUnder(RuntimeWire.PREFIX, (HttpService) this::serve)
                .build();
    }

    public RuntimeAgent start() {
        server.start().join();
        log.atInfo().addKeyValue("port", port()).addKeyValue("driver", driver.name()).addKeyValue("boot", bootId)
                .log("Runtime agent listening");
        return this;
    }

    public int port() {
        return server.activeLocalPort();
    }

    private HttpResponse serve(ServiceRequestContext ctx, com.linecorp.armeria.common.HttpRequest req) {
        String authorization = req.headers().get(HttpHeaderNames.AUTHORIZATION, "");
        byte[] sent = authorization.startsWith("Bearer ") ? authorization.substring(7).getBytes(StandardCharsets.UTF_8) : new byte[0];
        if (!MessageDigest.isEqual(sent, token)) {
            return problem(HttpStatus.UNAUTHORIZED, "missing or wrong runtime token (expected: Authorization: Bearer <the"
                    + " token derived from the platform key>)");
        }
        if (req.method() != HttpMethod.POST) {
            return problem(HttpStatus.METHOD_NOT_ALLOWED, req.method() + " " + ctx.path() + " (expected: POST)");
        }
        String op = ctx.mappedPath().startsWith("/") ? ctx.mappedPath().substring(1) : ctx.mappedPath();
        return HttpResponse.of(req.aggregate().thenApplyAsync(body -> answer(op, body), ctx.blockingTaskExecutor()));
    }

    private HttpResponse answer(String op, AggregatedHttpRequest body) {
        try {
            Object result = call(op, body.contentUtf8().isEmpty() ? RuntimeWire.JSON.nullNode() : RuntimeWire.JSON.readTree(body.contentUtf8()));
            return HttpResponse.of(HttpStatus.OK, MediaType.JSON, RuntimeWire.JSON.writeValueAsBytes(result));
        } catch (UnknownOperation e) {
            return problem(HttpStatus.NOT_FOUND, e.getMessage());
        } catch (IllegalArgumentException | IOException e) {
            return problem(HttpStatus.BAD_REQUEST, op + ": " + e.getMessage());
        } catch (RuntimeException e) {
            log.atWarn().setCause(e).addKeyValue("op", op).log("Runtime call failed");
            return problem(HttpStatus.INTERNAL_SERVER_ERROR, op + " failed: " + e.getMessage());
        }
    }

    private Object call(String op, JsonNode args) throws IOException {
        return switch (op) {
            case RuntimeWire.HELLO -> new RuntimeWire.Hello(driver.name(), bootId);
            case "prepare" -> {
                driver.prepare(read(args, RuntimeWire.Prepare.class).artifact());
                yield Boolean.TRUE;
            }
            case "deploy" -> driver.deploy(read(args, InstanceSpec.class));
            case "await-ready" -> RuntimeWire.ReadinessWire.of(driver.awaitReady(read(args, Instance.class)));
            case "run" -> RuntimeWire.TaskResultWire.of(driver.run(read(args, TaskSpec.class)));
            case "promote" -> {
                driver.promote(read(args, RuntimeWire.Promote.class).instances());
                yield Boolean.TRUE;
            }
            case "cleanup" -> {
                RuntimeWire.Cleanup c = read(args, RuntimeWire.Cleanup.class);
                driver.cleanup(c.instance(), c.grace());
                yield Boolean.TRUE;
            }
            case "status" -> driver.status(read(args, Instance.class));
            case "stats" -> driver.stats(read(args, Instance.class)).orElse(null);
            case "collect-logs" -> {
                RuntimeWire.CollectLogs c = read(args, RuntimeWire.CollectLogs.class);
                yield driver.collectLogs(c.instance(), c.limit());
            }
            case "adopt" -> driver.adopt(read(args, RuntimeWire.Adopt.class).deploymentId());
            default -> throw new UnknownOperation(op);
        };
    }

    private static <T> T read(JsonNode args, Class<T> type) throws IOException {
        T value = RuntimeWire.JSON.treeToValue(args, type);
        if (value == null) {
            throw new IllegalArgumentException("no arguments (expected: a JSON " + type.getSimpleName() + ")");
        }
        return value;
    }

    private static HttpResponse problem(HttpStatus status, String detail) {
        try {
            return HttpResponse.of(status, MediaType.parse("application/problem+json"),
                    RuntimeWire.JSON.writeValueAsBytes(new RuntimeWire.Problem(status.reasonPhrase(), status.code(), detail)));
        } catch (IOException e) {
            return HttpResponse.of(status);
        }
    }

    private static final class UnknownOperation extends RuntimeException {
        UnknownOperation(String op) {
            super("unknown runtime operation \"" + op + "\" (expected: hello, prepare, deploy, await-ready, run, promote,"
                    + " cleanup, status, stats, collect-logs or adopt)");
        }
    }

    /** Stops serving; the driver and its instances are the caller's to close. */
    @Override
    public void close() {
        stop().join();
    }

    /** Stops serving, in the background: the port closes at once, Netty's event loops wind down for a couple of seconds. */
    public java.util.concurrent.CompletableFuture<Void> stop() {
        return server.stop();
    }
}
