package io.helixstack.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServiceRequestContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one plane's contract to other processes: one operation per path under a prefix ({@code /runtime/v1/<op>}), each
 * a POST of its JSON arguments answered with its JSON result, behind a shared bearer token. Errors are problem documents:
 * 401 for a wrong token, 404 for an unknown operation, 400 for arguments that do not read, 500 when the operation threw.
 * Operations run on blocking threads as long as they take (a readiness wait, a drain): the caller bounds them.
 */
public final class AgentServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AgentServer.class);

    /** The plane's operations; {@link UnknownOperation} for a name it does not have. */
    @FunctionalInterface
    public interface Operations {
        Object call(String op, JsonNode args) throws IOException;
    }

    /** Thrown by {@link Operations#call} for an operation it does not know: answered 404 with the expected names. */
    public static final class UnknownOperation extends RuntimeException {
        public UnknownOperation(String plane, String op, String expected) {
            super("unknown " + plane + " operation \"" + op + "\" (expected: " + expected + ")");
        }
    }

    private final String plane;
    private final byte[] token;
    private final ObjectMapper json;
    private final Operations operations;
    private final Server server;

    /**
     * @param address where to listen (port 0: any free one)
     * @param prefix  the path every operation is under, e.g. {@code /runtime/v1/}
     * @param plane   the plane's name, for messages ("runtime", "delivery")
     * @param token   the bearer token every caller must send (at least 16 characters)
     */
    public AgentServer(InetSocketAddress address, String prefix, String plane, String token, ObjectMapper json,
                       Operations operations) {
        this.plane = Objects.requireNonNull(plane, "plane");
        if (token == null || token.length() < 16) {
            throw new IllegalArgumentException(plane + " agent token: too short (expected: at least 16 characters)");
        }
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.json = Objects.requireNonNull(json, "json");
        this.operations = Objects.requireNonNull(operations, "operations");
        this.server = Server.builder()
                .http(address)
                // An operation runs as long as its own timeout says; the caller bounds it.
                .requestTimeoutMillis(0)
                .maxRequestLength(16 * 1024 * 1024)
                // No quiet period on stop: callers are control planes that retry, not browsers.
                .gracefulShutdownTimeoutMillis(0, 1000)
                .serviceUnder(prefix, (HttpService) this::serve)
                .build();
    }

    public AgentServer start() {
        server.start().join();
        return this;
    }

    public int port() {
        return server.activeLocalPort();
    }

    /** The arguments as {@code type}; a 400 when they are missing. */
    public <T> T read(JsonNode args, Class<T> type) throws IOException {
        T value = json.treeToValue(args, type);
        if (value == null) {
            throw new IllegalArgumentException("no arguments (expected: a JSON " + type.getSimpleName() + ")");
        }
        return value;
    }

    private HttpResponse serve(ServiceRequestContext ctx, com.linecorp.armeria.common.HttpRequest req) {
        String authorization = req.headers().get(HttpHeaderNames.AUTHORIZATION, "");
        byte[] sent = authorization.startsWith("Bearer ") ? authorization.substring(7).getBytes(StandardCharsets.UTF_8) : new byte[0];
        if (!MessageDigest.isEqual(sent, token)) {
            return problem(HttpStatus.UNAUTHORIZED, "missing or wrong " + plane + " token (expected: Authorization: Bearer"
                    + " <the token derived from the platform key>)");
        }
        if (req.method() != HttpMethod.POST) {
            return problem(HttpStatus.METHOD_NOT_ALLOWED, req.method() + " " + ctx.path() + " (expected: POST)");
        }
        String op = ctx.mappedPath().startsWith("/") ? ctx.mappedPath().substring(1) : ctx.mappedPath();
        return HttpResponse.of(req.aggregate().thenApplyAsync(body -> answer(op, body), ctx.blockingTaskExecutor()));
    }

    private HttpResponse answer(String op, AggregatedHttpRequest body) {
        try {
            String content = body.contentUtf8();
            Object result = operations.call(op, content.isEmpty() ? json.nullNode() : json.readTree(content));
            return HttpResponse.of(HttpStatus.OK, MediaType.JSON, json.writeValueAsBytes(result));
        } catch (UnknownOperation e) {
            return problem(HttpStatus.NOT_FOUND, e.getMessage());
        } catch (IllegalArgumentException | IOException e) {
            return problem(HttpStatus.BAD_REQUEST, op + ": " + e.getMessage());
        } catch (RuntimeException e) {
            log.atWarn().setCause(e).addKeyValue("plane", plane).addKeyValue("op", op).log("Agent call failed");
            return problem(HttpStatus.INTERNAL_SERVER_ERROR, op + " failed: " + e.getMessage());
        }
    }

    private HttpResponse problem(HttpStatus status, String detail) {
        try {
            return HttpResponse.of(status, MediaType.parse("application/problem+json"),
                    json.writeValueAsBytes(new Problem(status.reasonPhrase(), status.code(), detail)));
        } catch (IOException e) {
            return HttpResponse.of(status);
        }
    }

    /** An error answer (RFC 9457 fields). */
    record Problem(String title, int status, String detail) {
    }

    /** Stops serving; what the operations act on is the caller's to close. */
    @Override
    public void close() {
        stop().join();
    }

    /** Stops serving, in the background: the port closes at once, Netty's event loops wind down for a couple of seconds. */
    public CompletableFuture<Void> stop() {
        return server.stop();
    }
}
