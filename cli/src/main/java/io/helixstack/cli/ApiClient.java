package io.helixstack.cli;

import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The HelixStack HTTP API as described in {@code docs/api.md}, one method per route the CLI uses. Errors come back as
 * {@link ApiException} (the server answered with a problem) or {@link CliException} (it could not be reached).
 */
final class ApiClient {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    // Generous: only uploads and streams are expected to be slow, and those have no timeout at all.
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final String base;
    private final String token;
    private final HttpClient http;

    ApiClient(URI base, String token) {
        this.base = base.toString();
        this.token = token;
        // HTTP/1.1: the JDK would otherwise try an h2c upgrade on every plain-http request, for nothing.
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT).build();
    }

    String baseUrl() {
        return base;
    }

    List<Application> applications() {
        return list(call(request("/applications").GET()), Application::of);
    }

    /** The application, or empty when the server says 404 (deploy then creates it). */
    Optional<Application> findApplication(String app) {
        try {
            return Optional.of(Application.of(call(request(appPath(app)).GET())));
        } catch (ApiException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    Application createApplication(String name) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("name", name);
        return Application.of(call(request("/applications").POST(json(body)).header("Content-Type", "application/json")));
    }

    /** Uploads a {@code .tar.gz} of the source: the answer is the queued deployment. */
    Deployment uploadSource(String app, Path tarGz) {
        BodyPublisher body;
        try {
            body = BodyPublishers.ofFile(tarGz);
        } catch (FileNotFoundException e) {
            throw new CliException("the packed source vanished before upload: " + tarGz, e);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(appPath(app) + "/deployments"))
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json")
                .header("Content-Type", "application/gzip")
                .POST(body);
        return Deployment.of(call(request));
    }

    List<Deployment> deployments(String app) {
        return list(call(request(appPath(app) + "/deployments").GET()), Deployment::of);
    }

    Deployment deployment(String id) {
        return Deployment.of(call(request("/deployments/" + segment(id)).GET()));
    }

    BuildLogPage buildLog(String deploymentId, long after) {
        return BuildLogPage.of(call(request("/deployments/" + segment(deploymentId) + "/build-log?after=" + after).GET()), after);
    }

    /** Promotes an earlier deployment again; without one, the server picks the one live before the current. */
    Deployment rollback(String app, String deploymentOrNull) {
        return rollback(app, deploymentOrNull, null);
    }

    /** @param environmentOrNull production (default) or a pull request's preview, {@code preview/7} or {@code pr-7} */
    Deployment rollback(String app, String deploymentOrNull, String environmentOrNull) {
        return rollback(app, deploymentOrNull, environmentOrNull, List.of());
    }

    /** @param regions only these regions roll back (none: every region) */
    Deployment rollback(String app, String deploymentOrNull, String environmentOrNull, List<String> regions) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        if (!regions.isEmpty()) {
            regions.forEach(body.putArray("regions")::add);
        }
        if (deploymentOrNull != null) {
            body.put("deployment", deploymentOrNull);
        }
        if (environmentOrNull != null) {
            body.put("environment", environmentOrNull);
        }
        return Deployment.of(call(request(appPath(app) + "/rollback").POST(json(body))
                .header("Content-Type", "application/json")));
    }

    /** What each region of the application serves of {@code environment}: region name → deployment label (or null). */
    java.util.Map<String, String> regions(String app, String environmentOrNull) {
        JsonNode list = call(request(appPath(app) + "/regions" + (environmentOrNull == null ? "" : "?environment="
                + segment(environmentOrNull))).GET());
        java.util.Map<String, String> regions = new java.util.LinkedHashMap<>();
        list.forEach(r -> regions.put(r.path("region").asText(), r.path("label").asText(null)));
        return regions;
    }

    /** The live deployment of {@code environment} as docker-compose.yml ({@code compose}) or Kubernetes YAML ({@code k8s}). */
    String export(String app, String format, String environment) {
        HttpResponse<byte[]> response = exchange(request(appPath(app) + "/export?format=" + segment(format)
                + "&environment=" + segment(environment)).GET().build(), BodyHandlers.ofByteArray());
        if (response.statusCode() / 100 != 2) {
            throw problem(response.statusCode(), response.body());
        }
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    JsonNode addSshKey(String name, String publicKey) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("public_key", publicKey);
        if (name != null) {
            body.put("name", name);
        }
        return call(request("/ssh-keys").POST(json(body)).header("Content-Type", "application/json"));
    }

    JsonNode sshKeys() {
        return call(request("/ssh-keys").GET());
    }

    void removeSshKey(String id) {
        call(request("/ssh-keys/" + segment(id)).DELETE());
    }

    /** Links the app to a repository for webhooks; the answer carries a generated webhook secret once. */
    JsonNode linkRepository(String app, ObjectNode link) {
        return call(request(appPath(app) + "/repository").PUT(json(link)).header("Content-Type", "application/json"));
    }

    /** Asks for the application to be moved to a cluster; the answer is the upgrade, state requested. */
    JsonNode upgrade(String app, ObjectNode request) {
        return call(request(appPath(app) + "/upgrade").POST(json(request)).header("Content-Type", "application/json"));
    }

    /** The application's latest upgrade. */
    JsonNode upgradeOf(String app) {
        return call(request(appPath(app) + "/upgrade").GET());
    }

    Deployment restart(String app) {
        return Deployment.of(call(request(appPath(app) + "/restart").POST(BodyPublishers.noBody())));
    }

    /** The app's metrics per deployment: since routed, or over {@code window} (e.g. {@code 1h}) when given. */
    JsonNode metrics(String app, String window) {
        String query = window == null ? "" : "?window=" + java.net.URLEncoder.encode(window, java.nio.charset.StandardCharsets.UTF_8);
        return call(request(appPath(app) + "/metrics" + query).GET());
    }

    /** The team's events (of one app when given), oldest first, after {@code after}. */
    JsonNode events(String appOrNull, long after, int limit) {
        return call(request("/events?limit=" + limit + "&after=" + after + (appOrNull == null ? "" : "&app=" + segment(appOrNull))).GET())
                .path("events");
    }

    /** Reads the live event stream ({@code /events?follow=1}) until the server closes it; each event's data is one event. */
    void followEvents(String appOrNull, long after, Consumer<JsonNode> sink) {
        followStream("/events?follow=1&after=" + after + (appOrNull == null ? "" : "&app=" + segment(appOrNull)), "event", sink);
    }

    List<LogLine> logs(String app, int limit) {
        JsonNode answer = call(request(appPath(app) + "/logs?limit=" + limit).GET());
        return list(answer.path("lines"), LogLine::of);
    }

    /**
     * Reads the live tail ({@code ?follow=1}, server-sent events) until the server closes it; each event's
     * {@code data} is one log line object. {@code after} lets a server that supports it skip what was already shown.
     */
    void followLogs(String app, long after, Consumer<LogLine> sink) {
        followStream(appPath(app) + "/logs?follow=1&after=" + after, "log", node -> sink.accept(LogLine.of(node)));
    }

    /** Reads a server-sent event stream until the server closes it, handing each event's JSON object {@code data} on. */
    private void followStream(String path, String what, Consumer<JsonNode> sink) {
        HttpRequest request = request(path)
                .header("Accept", "text/event-stream")
                .timeout(Duration.ofDays(365))
                .GET()
                .build();
        HttpResponse<InputStream> response = exchange(request, BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            if (response.statusCode() / 100 != 2) {
                throw problem(response.statusCode(), body.readAllBytes());
            }
            readEvents(body, data -> {
                try {
                    JsonNode node = Json.MAPPER.readTree(data);
                    if (node != null && node.isObject()) {
                        sink.accept(node);
                    }
                } catch (IOException e) {
                    // Not a JSON object (a keep-alive or a future event type): nothing to show.
                }
            });
        } catch (IOException e) {
            throw new CliException("the " + what + " stream from " + base + " broke: " + describe(e), e);
        }
    }

    Map<String, String> env(String app, String environment) {
        return envOf(call(request(appPath(app) + "/env" + environmentQuery(environment)).GET()));
    }

    private static String environmentQuery(String environment) {
        return environment == null || environment.equals("production") ? ""
                : "?environment=" + java.net.URLEncoder.encode(environment, java.nio.charset.StandardCharsets.UTF_8);
    }

    Map<String, String> patchEnv(String app, String environment, Map<String, String> set, Collection<String> unset) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        if (!set.isEmpty()) {
            ObjectNode values = body.putObject("set");
            set.forEach(values::put);
        }
        if (!unset.isEmpty()) {
            unset.forEach(body.putArray("unset")::add);
        }
        return envOf(call(request(appPath(app) + "/env" + environmentQuery(environment)).method("PATCH", json(body))
                .header("Content-Type", "application/json")));
    }

    /** Minimal SSE reader: {@code data:} lines accumulate, a blank line ends the event; other fields are ignored. */
    static void readEvents(InputStream in, Consumer<String> onData) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        StringBuilder data = new StringBuilder();
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.isEmpty()) {
                if (!data.isEmpty()) {
                    onData.accept(data.toString());
                    data.setLength(0);
                }
            } else if (line.startsWith("data:")) {
                String value = line.substring(5);
                if (!data.isEmpty()) {
                    data.append('\n');
                }
                data.append(value.startsWith(" ") ? value.substring(1) : value);
            }
        }
        if (!data.isEmpty()) {
            onData.accept(data.toString());
        }
    }

    private static Map<String, String> envOf(JsonNode answer) {
        Map<String, String> env = new TreeMap<>();
        answer.path("env").properties().forEach(e -> env.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asText()));
        return env;
    }

    private JsonNode call(HttpRequest.Builder request) {
        HttpResponse<byte[]> response = exchange(request.build(), BodyHandlers.ofByteArray());
        byte[] body = response.body();
        if (response.statusCode() / 100 != 2) {
            throw problem(response.statusCode(), body);
        }
        if (body.length == 0) {
            return NullNode.getInstance();
        }
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new CliException("the server at " + base + " answered HTTP " + response.statusCode()
                    + " with something that is not JSON (is this a HelixStack API address?)", e);
        }
    }

    private <T> HttpResponse<T> exchange(HttpRequest request, BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted", e);
        } catch (IOException e) {
            throw new CliException("cannot reach the HelixStack API at " + base + ": " + describe(e)
                    + (refused(e) ? " (is `helix up` running?)" : ""), e);
        } catch (IllegalArgumentException e) {
            throw new CliException("cannot reach the HelixStack API at " + base + ": " + e.getMessage(), e);
        }
    }

    /** Turns an error answer into an {@link ApiException}, reading problem+json when the body is one. */
    static ApiException problem(int status, byte[] body) {
        String title = null;
        String detail = null;
        try {
            JsonNode node = Json.MAPPER.readTree(body);
            if (node != null && node.isObject()) {
                title = Json.text(node, "title");
                detail = Json.text(node, "detail");
            }
        } catch (IOException e) {
            // Not JSON (a proxy's HTML page, plain text): show its first line if it is short enough to help.
            String text = new String(body, StandardCharsets.UTF_8).strip();
            String first = text.lines().findFirst().orElse("");
            if (!first.isEmpty() && first.length() <= 200 && !first.startsWith("<")) {
                detail = first + " (HTTP " + status + ")";
            }
        }
        return new ApiException(status, title, detail);
    }

    private static boolean refused(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return true;
            }
        }
        return false;
    }

    private static String describe(IOException e) {
        if (refused(e)) {
            return "connection refused";
        }
        if (e instanceof HttpTimeoutException) {
            return "timed out";
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException) {
                return "unknown host";
            }
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(uri(path))
                .timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json");
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }

    private static String appPath(String app) {
        return "/applications/" + segment(app);
    }

    /** Names come from users: encode them so a typo produces a 404 or 400 from the server, not a broken URL. */
    private static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static BodyPublisher json(JsonNode body) {
        return BodyPublishers.ofString(Json.compact(body), StandardCharsets.UTF_8);
    }

    private static <T> List<T> list(JsonNode array, Function<JsonNode, T> of) {
        List<T> items = new ArrayList<>();
        if (array != null && array.isArray()) {
            array.forEach(node -> items.add(of.apply(node)));
        }
        return items;
    }
}
