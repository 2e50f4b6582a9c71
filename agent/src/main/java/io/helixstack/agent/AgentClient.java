package io.helixstack.agent;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls an {@link AgentServer} in another process: {@link #call} posts an operation's arguments and reads its result, and
 * turns every failure — no answer, a problem document, a body that is not the result — into an
 * {@link IllegalStateException} that names the plane, its address and the operation. {@link #watch} notices the agent's
 * process starting again.
 */
public final class AgentClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AgentClient.class);

    private final URI base;
    private final String prefix;
    private final String plane;
    private final String token;
    private final ObjectMapper json;
    private final HttpClient http;
    private ScheduledExecutorService watcher;
    private volatile boolean unreachable;

    /**
     * @param base   the agent's base URL, e.g. {@code http://127.0.0.1:7420}
     * @param prefix the path its operations are under, e.g. {@code /runtime/v1/}
     * @param plane  the plane's name, for messages
     */
    public AgentClient(URI base, String prefix, String plane, String token, ObjectMapper json) {
        this.base = Objects.requireNonNull(base, "base");
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        this.plane = Objects.requireNonNull(plane, "plane");
        this.token = Objects.requireNonNull(token, "token");
        this.json = Objects.requireNonNull(json, "json");
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).proxy(HttpClient.Builder.NO_PROXY)
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    public URI address() {
        return base;
    }

    /**
     * Every {@code every}, reads the agent's boot id with {@code bootId}; when it is not {@code firstBoot} nor the one seen
     * last (the agent's process was stopped and started again), runs {@code onRestart} once for that start. An agent that
     * does not answer is logged once until it answers again.
     */
    public synchronized void watch(Duration every, UUID firstBoot, Supplier<UUID> bootId, Runnable onRestart) {
        if (watcher != null) {
            throw new IllegalStateException("already watched");
        }
        UUID[] last = {firstBoot};
        String title = Character.toUpperCase(plane.charAt(0)) + plane.substring(1);
        watcher = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("helix-" + plane + "-watch").factory());
        watcher.scheduleWithFixedDelay(() -> {
            UUID now;
            try {
                now = bootId.get();
            } catch (RuntimeException e) {
                if (!unreachable) {
                    unreachable = true;
                    log.atWarn().addKeyValue("plane", plane).addKeyValue("address", base).addKeyValue("error", e.getMessage())
                            .log(title + " plane unreachable");
                }
                return;
            }
            if (unreachable) {
                unreachable = false;
                log.atInfo().addKeyValue("plane", plane).addKeyValue("address", base).log(title + " plane reachable again");
            }
            if (!now.equals(last[0])) {
                last[0] = now;
                log.atWarn().addKeyValue("plane", plane).addKeyValue("address", base).log(title + " plane started again");
                try {
                    onRestart.run();
                } catch (RuntimeException e) {
                    log.atError().setCause(e).addKeyValue("plane", plane).log("Handling the plane's restart failed");
                }
            }
        }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether the last {@link #watch} round found the agent unreachable. */
    public boolean unreachable() {
        return unreachable;
    }

    public <T> T call(String op, Object args, Class<T> type, Duration timeout) {
        return call(op, args, json.getTypeFactory().constructType(type), timeout);
    }

    public <T> T call(String op, Object args, TypeReference<T> type, Duration timeout) {
        return call(op, args, json.getTypeFactory().constructType(type), timeout);
    }

    /**
     * @param timeout how long the answer may take; null: as long as the agent takes (it bounds the operation itself)
     * @throws IllegalStateException when the agent does not answer, refuses, or fails the operation
     */
    public <T> T call(String op, Object args, JavaType type, Duration timeout) {
        HttpResponse<String> response;
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(prefix + op))
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(args)));
            if (timeout != null) {
                request.timeout(timeout);
            }
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(plane + " plane at " + base + " did not answer " + op + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while calling the " + plane + " plane at " + base, e);
        }
        try {
            if (response.statusCode() != 200) {
                String detail = response.body();
                try {
                    detail = json.readValue(response.body(), AgentServer.Problem.class).detail();
                } catch (IOException notAProblem) {
                    // keep the body as it came
                }
                throw new IllegalStateException(plane + " plane at " + base + " (" + response.statusCode() + "): " + detail);
            }
            return json.readValue(response.body(), type);
        } catch (IOException e) {
            throw new IllegalStateException(plane + " plane at " + base + " answered " + op + " with what is not its result: "
                    + e, e);
        }
    }

    /** Stops watching and closes the connections; the agent's process is not affected. */
    @Override
    public synchronized void close() {
        if (watcher != null) {
            watcher.shutdownNow();
        }
        http.close();
    }
}
