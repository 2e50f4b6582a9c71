package io.helixstack.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.helixstack.plugin.api.CommitStatus.State;
import io.helixstack.plugin.tck.SourceProviderContract.Shown;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for one forge's commit-status API on 127.0.0.1, as documented by the forge: the path, the token header,
 * the field names and the values each accepts, and its errors (401 for a wrong token, 404 for an unknown repository,
 * 422/400 for a value it does not take). It keeps the latest status per commit and context, like the forge shows it.
 */
final class ForgeApiStub implements AutoCloseable {
    enum Kind { GITHUB, GITLAB, BITBUCKET }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern GITHUB = Pattern.compile("/repos/(.+)/statuses/([0-9a-f]{40})");
    private static final Pattern GITLAB = Pattern.compile("/api/v4/projects/([^/]+)/statuses/([0-9a-f]{40})");
    private static final Pattern BITBUCKET = Pattern.compile("/2.0/repositories/([^/]+/[^/]+)/commit/([0-9a-f]{40})/statuses/build");

    private final Kind kind;
    private final String repositoryPath;
    private final String token;
    private final HttpServer server;
    private final Map<String, Map<String, Shown>> shown = new LinkedHashMap<>();
    private volatile boolean failing;

    ForgeApiStub(Kind kind, String repositoryPath, String token) throws IOException {
        this.kind = kind;
        this.repositoryPath = repositoryPath;
        this.token = token;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void failing(boolean failing) {
        this.failing = failing;
    }

    synchronized List<Shown> shown(String sha) {
        return List.copyOf(shown.getOrDefault(sha, Map.of()).values());
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (failing) {
                answer(exchange, 503, "{\"message\":\"Service Unavailable\"}");
                return;
            }
            String path = exchange.getRequestURI().getRawPath();
            Matcher m = switch (kind) {
                case GITHUB -> GITHUB.matcher(path);
                case GITLAB -> GITLAB.matcher(path);
                case BITBUCKET -> BITBUCKET.matcher(path);
            };
            if (!"POST".equals(exchange.getRequestMethod()) || !m.matches()) {
                answer(exchange, 404, "{\"message\":\"Not Found\"}");
                return;
            }
            String given = switch (kind) {
                case GITHUB, BITBUCKET -> exchange.getRequestHeaders().getFirst("Authorization");
                case GITLAB -> exchange.getRequestHeaders().getFirst("PRIVATE-TOKEN");
            };
            String expected = kind == Kind.GITLAB ? token : "Bearer " + token;
            if (!expected.equals(given)) {
                answer(exchange, 401, kind == Kind.BITBUCKET ? "{\"type\":\"error\",\"error\":{\"message\":\"Unauthorized\"}}"
                        : "{\"message\":\"Bad credentials\"}");
                return;
            }
            if (!URLDecoder.decode(m.group(1), StandardCharsets.UTF_8).equals(repositoryPath)) {
                answer(exchange, 404, "{\"message\":\"Not Found\"}");
                return;
            }
            JsonNode body = JSON.readTree(exchange.getRequestBody());
            String error = record(m.group(2), body);
            answer(exchange, error == null ? 201 : kind == Kind.GITHUB ? 422 : 400,
                    error == null ? "{}" : JSON.createObjectNode().put("message", error).toString());
        }
    }

    /** Validates like the forge and records; returns the forge's complaint, or null. */
    private synchronized String record(String sha, JsonNode body) {
        String state;
        String context;
        String url;
        String description = body.path("description").asText("");
        switch (kind) {
            case GITHUB -> {
                state = body.path("state").asText();
                context = body.path("context").asText("default");
                url = body.path("target_url").asText(null);
                if (!List.of("error", "failure", "pending", "success").contains(state)) {
                    return "Validation Failed: state";
                }
                if (description.length() > 140) {
                    return "Validation Failed: description is too long (maximum is 140 characters)";
                }
            }
            case GITLAB -> {
                state = body.path("state").asText();
                context = body.path("name").asText("default");
                url = body.path("target_url").asText(null);
                if (!List.of("pending", "running", "success", "failed", "canceled").contains(state)) {
                    return "state does not have a valid value";
                }
            }
            default -> {
                state = body.path("state").asText();
                context = body.path("key").asText(null);
                url = body.path("url").asText(null);
                if (!List.of("INPROGRESS", "SUCCESSFUL", "FAILED", "STOPPED").contains(state) || context == null || url == null) {
                    return "key, state (INPROGRESS, SUCCESSFUL, FAILED, STOPPED) and url are required";
                }
            }
        }
        State s = switch (state) {
            case "pending", "running", "INPROGRESS" -> State.PENDING;
            case "success", "SUCCESSFUL" -> State.SUCCESS;
            default -> State.FAILURE;
        };
        if (kind == Kind.BITBUCKET && url.equals("https://bitbucket.org/" + repositoryPath)) {
            url = null; // the repository page stands in for "no deployment URL"
        }
        shown.computeIfAbsent(sha, k -> new LinkedHashMap<>()).put(context, new Shown(context, s, url, description));
        return null;
    }

    private static void answer(HttpExchange exchange, int code, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(code, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
