package io.helixstack.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A small in-memory HelixStack API per {@code docs/api.md}, on 127.0.0.1 and a free port, recording every request.
 * Deployments follow a script: each {@code GET /deployments/{id}} moves one state further, so a CLI that polls sees
 * the lifecycle unfold; the build log reveals one more line per read while building, all of it once built.
 */
final class FakeApi implements AutoCloseable {
    static final String TOKEN = "test-token";
    static final Instant T0 = Instant.parse("2026-11-23T14:00:00Z");
    private static final Pattern APP_NAME = Pattern.compile("[a-z]([a-z0-9-]{0,38}[a-z0-9])?");

    record Request(String method, String path, String query, String contentType, String authorization, byte[] body) {
        String target() {
            return query == null ? path : path + "?" + query;
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("request body is not JSON: " + text(), e);
            }
        }
    }

    /** A deployment and the states it will go through, one per read. */
    static final class Scripted {
        final ObjectNode json;
        List<String> states;
        int step;
        List<String> buildLog = List.of();
        int revealed;
        String failureReason;

        Scripted(ObjectNode json, List<String> states) {
            this.json = json;
            this.states = states;
        }

        String state() {
            return json.get("state").asText();
        }
    }

    private final HttpServer server;
    final List<Request> requests = new CopyOnWriteArrayList<>();
    final List<byte[]> uploads = new CopyOnWriteArrayList<>();
    private final Map<String, ObjectNode> apps = new LinkedHashMap<>();
    private final Map<String, List<Scripted>> deploymentsByApp = new LinkedHashMap<>();
    private final Map<String, Scripted> deployments = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> env = new LinkedHashMap<>();
    private final List<ObjectNode> logLines = new ArrayList<>();
    private final List<ObjectNode> streamedLogLines = new ArrayList<>();
    private final Map<String, ObjectNode> failures = new LinkedHashMap<>();
    final CountDownLatch endLogStream = new CountDownLatch(1);

    // The script the next upload follows.
    List<String> uploadStates = List.of("queued", "building", "building", "deploying", "live");
    List<String> uploadBuildLog = List.of("-----> Node.js app detected", "-----> npm ci", "-----> Build succeeded");
    String uploadFailure;
    int buildLogPageSize = 1000;
    // Set to make the next rollback or restart fail the way the server reports it.
    String rollbackFailure;
    /** The platform's regions: what each serves of an app, by label (all follow the live deployment until rolled back). */
    final List<String> regionNames = List.of("eu", "us");
    private final Map<String, Map<String, String>> regionsByApp = new java.util.HashMap<>();
    String restartFailure;

    FakeApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        endLogStream.countDown();
        server.stop(0);
    }

    // ---- scenario set-up ----

    synchronized ObjectNode addApp(String name) {
        ObjectNode app = Json.MAPPER.createObjectNode()
                .put("id", UUID.randomUUID().toString())
                .put("name", name)
                .put("project_id", "p-default")
                .put("url", "http://" + name + ".localhost:8080")
                .put("current_backend", "local")
                .putNull("live_deployment_id")
                .putNull("git_repository")
                .putNull("git_branch")
                .put("created_at", T0.toString());
        apps.put(name, app);
        deploymentsByApp.put(name, new ArrayList<>());
        env.put(name, new TreeMap<>());
        return app;
    }

    /** A deployment already in a settled state, as if deployed earlier; {@code minutesAgo} sets its age. */
    synchronized Scripted addDeployment(String app, String state, int minutesAgo) {
        Scripted d = newDeployment(app, state, T0.plusSeconds(3600 - minutesAgo * 60L));
        d.states = List.of(state);
        if (state.equals("live")) {
            apps.get(app).put("live_deployment_id", d.json.get("id").asText());
        }
        return d;
    }

    synchronized void setEnv(String app, String key, String value) {
        env.get(app).put(key, value);
    }

    synchronized void addLogLine(String deploymentId, String source, String line) {
        logLines.add(logLine(logLines.size() + 1, deploymentId, source, line));
    }

    /** Lines the {@code ?follow=1} stream sends before it waits for {@link #endLogStream}. */
    synchronized void addStreamedLogLine(String deploymentId, String source, String line) {
        streamedLogLines.add(logLine(logLines.size() + streamedLogLines.size() + 1, deploymentId, source, line));
    }

    /** Every request whose method and path start like this gets this problem instead. */
    synchronized void fail(String method, String path, int status, String detail) {
        failures.put(method + " " + path, problem(status, detail));
    }

    /** A fixed answer for one route (its body must carry "status" too, as problems do). */
    synchronized void answer(String method, String path, ObjectNode body) {
        failures.put(method + " " + path, body);
    }

    synchronized Scripted deployment(String id) {
        return deployments.get(id);
    }

    List<String> targets() {
        return requests.stream().map(r -> r.method() + " " + r.target()).toList();
    }

    // ---- routes ----

    private void handle(HttpExchange exchange) throws IOException {
        try {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getRawPath();
            String query = exchange.getRequestURI().getRawQuery();
            String method = exchange.getRequestMethod();
            Request request = new Request(method, path, query, exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestHeaders().getFirst("Authorization"), body);
            requests.add(request);
            if (!("Bearer " + TOKEN).equals(request.authorization())) {
                send(exchange, 401, problem(401, "missing or invalid bearer token"));
                return;
            }
            ObjectNode failure;
            synchronized (this) {
                failure = failures.get(method + " " + path);
            }
            if (failure != null) {
                send(exchange, failure.get("status").asInt(), failure);
                return;
            }
            route(exchange, request);
        } finally {
            exchange.close();
        }
    }

    private void route(HttpExchange exchange, Request request) throws IOException {
        String method = request.method();
        String path = URLDecoder.decode(request.path(), StandardCharsets.UTF_8);
        Matcher m;
        if (path.equals("/applications") && method.equals("GET")) {
            send(exchange, 200, listApps());
        } else if (path.equals("/applications") && method.equals("POST")) {
            createApp(exchange, request);
        } else if ((m = match("/applications/([^/]+)", path)) != null && method.equals("GET")) {
            ObjectNode app = app(m.group(1));
            send(exchange, app == null ? 404 : 200, app == null ? notFound(m.group(1)) : app);
        } else if ((m = match("/applications/([^/]+)/deployments", path)) != null) {
            if (app(m.group(1)) == null) {
                send(exchange, 404, notFound(m.group(1)));
            } else if (method.equals("POST")) {
                upload(exchange, request, m.group(1));
            } else {
                send(exchange, 200, listDeployments(m.group(1)));
            }
        } else if ((m = match("/deployments/([^/]+)", path)) != null) {
            Scripted d = advance(m.group(1));
            send(exchange, d == null ? 404 : 200, d == null ? problem(404, "deployment not found") : d.json);
        } else if ((m = match("/deployments/([^/]+)/build-log", path)) != null) {
            send(exchange, 200, buildLog(m.group(1), Long.parseLong(queryParam(request, "after", "0"))));
        } else if ((m = match("/applications/([^/]+)/regions", path)) != null) {
            send(exchange, 200, regions(m.group(1)));
        } else if ((m = match("/applications/([^/]+)/rollback", path)) != null) {
            rollback(exchange, m.group(1), request.json());
        } else if ((m = match("/applications/([^/]+)/restart", path)) != null) {
            restart(exchange, m.group(1));
        } else if ((m = match("/applications/([^/]+)/logs", path)) != null) {
            if ("1".equals(queryParam(request, "follow", null))) {
                followLogs(exchange);
            } else {
                send(exchange, 200, logs(Integer.parseInt(queryParam(request, "limit", "200"))));
            }
        } else if ((m = match("/applications/([^/]+)/env", path)) != null) {
            env(exchange, m.group(1), method, request);
        } else {
            send(exchange, 404, problem(404, "no route for " + method + " " + path));
        }
    }

    private synchronized ArrayNode listApps() {
        ArrayNode list = Json.MAPPER.createArrayNode();
        apps.values().forEach(list::add);
        return list;
    }

    private synchronized ObjectNode app(String name) {
        return apps.get(name);
    }

    private void createApp(HttpExchange exchange, Request request) throws IOException {
        String name = request.json().path("name").asText();
        if (!APP_NAME.matcher(name).matches()) {
            send(exchange, 400, problem(400, "app name: \"" + name + "\" (expected: 1-40 lowercase letters, digits and"
                    + " single dashes, starting with a letter and not ending with a dash, e.g. \"hello-node\")"));
            return;
        }
        synchronized (this) {
            if (apps.containsKey(name)) {
                send(exchange, 409, problem(409, "app \"" + name + "\" already exists"));
                return;
            }
        }
        send(exchange, 201, addApp(name));
    }

    private void upload(HttpExchange exchange, Request request, String app) throws IOException {
        if (!"application/gzip".equals(request.contentType())) {
            send(exchange, 415, problem(415, "content type: " + request.contentType() + " (expected: application/gzip)"));
            return;
        }
        if (request.body().length < 2 || (request.body()[0] & 0xff) != 0x1f || (request.body()[1] & 0xff) != 0x8b) {
            send(exchange, 400, problem(400, "archive: not a gzip stream (expected: a .tar.gz of the source)"));
            return;
        }
        uploads.add(request.body());
        Scripted d;
        synchronized (this) {
            d = newDeployment(app, "queued", T0.plusSeconds(3600));
            d.states = uploadStates;
            d.buildLog = uploadBuildLog;
            d.failureReason = uploadFailure;
            d.json.putObject("source").put("type", "upload").put("digest", "sha256:" + sha256(request.body()));
            d.json.put("source_description", "upload sha256:" + sha256(request.body()).substring(0, 12));
        }
        send(exchange, 202, d.json);
    }

    private synchronized ArrayNode listDeployments(String app) {
        ArrayNode list = Json.MAPPER.createArrayNode();
        List<Scripted> all = new ArrayList<>(deploymentsByApp.get(app));
        for (int i = all.size() - 1; i >= 0; i--) {
            list.add(all.get(i).json);
        }
        return list;
    }

    /** One read moves the deployment one state along its script. */
    private synchronized Scripted advance(String id) {
        Scripted d = deployments.get(id);
        if (d == null) {
            return null;
        }
        if (d.step < d.states.size() - 1) {
            d.step++;
            String state = d.states.get(d.step);
            d.json.put("state", state);
            d.json.put("updated_at", T0.plusSeconds(3600 + d.step).toString());
            // The server records why a deployment ended badly, whatever state it ends in.
            if (d.step == d.states.size() - 1 && d.failureReason != null) {
                d.json.put("failure_reason", d.failureReason);
            }
            if (state.equals("live")) {
                ObjectNode app = apps.get(d.json.get("app").asText());
                String previous = app.path("live_deployment_id").asText(null);
                if (previous != null && !previous.equals(id) && deployments.containsKey(previous)) {
                    deployments.get(previous).json.put("state", "superseded");
                }
                app.put("live_deployment_id", id);
            }
        }
        return d;
    }

    private synchronized ObjectNode buildLog(String id, long after) {
        Scripted d = deployments.get(id);
        boolean building = d.state().equals("queued") || d.state().equals("building");
        d.revealed = building ? Math.min(d.buildLog.size(), d.revealed + 1) : d.buildLog.size();
        ObjectNode page = Json.MAPPER.createObjectNode();
        ArrayNode lines = page.putArray("lines");
        // Pages of at most buildLogPageSize lines, like the server's limit.
        int last = (int) Math.min(d.revealed, after + buildLogPageSize);
        for (int seq = (int) after + 1; seq <= last; seq++) {
            lines.addObject().put("seq", seq).put("at", T0.plusSeconds(seq).toString()).put("line", d.buildLog.get(seq - 1));
        }
        page.put("state", d.state());
        page.put("done", !building && last == d.buildLog.size());
        return page;
    }

    private void rollback(HttpExchange exchange, String app, JsonNode body) throws IOException {
        Scripted target;
        synchronized (this) {
            String wanted = body.path("deployment").asText(null);
            String live = apps.get(app).path("live_deployment_id").asText(null);
            List<Scripted> candidates = deploymentsByApp.get(app);
            target = null;
            for (int i = candidates.size() - 1; i >= 0 && target == null; i--) {
                ObjectNode json = candidates.get(i).json;
                boolean matches = wanted == null
                        ? !json.get("id").asText().equals(live) && json.get("state").asText().equals("superseded")
                        : wanted.equals(json.get("label").asText()) || wanted.equals(json.get("id").asText())
                                || json.get("id").asText().startsWith(wanted) || wanted.equals(json.get("number").asText());
                if (matches) {
                    target = candidates.get(i);
                }
            }
            if (target != null && body.has("regions")) {
                // Regional: the target's state stays; the regions switch, or the reason is recorded on the target.
                List<String> regions = new ArrayList<>();
                body.get("regions").forEach(r -> regions.add(r.asText()));
                if (rollbackFailure != null) {
                    target.failureReason = rollbackFailure;
                    target.json.put("failure_reason", rollbackFailure);
                } else {
                    Map<String, String> serving = servingOf(app);
                    String label = target.json.get("label").asText();
                    regions.forEach(r -> serving.put(r, label));
                }
                send(exchange, 202, target.json.deepCopy().put("failure_reason", (String) null));
                return;
            }
            if (target != null) {
                // A failed rollback goes back to the state it had, with the reason: it never ends in "failed".
                target.states = rollbackFailure == null ? List.of(target.state(), "deploying", "live")
                        : List.of(target.state(), "deploying", target.state());
                target.failureReason = rollbackFailure;
                target.step = 0;
                target.json.put("trigger", "rollback");
            }
        }
        if (target == null) {
            send(exchange, 409, problem(409, "no deployment to roll back to (expected: an earlier deployment that was live)"));
        } else {
            send(exchange, 202, target.json);
        }
    }

    private synchronized Map<String, String> servingOf(String app) {
        return regionsByApp.computeIfAbsent(app, a -> {
            String live = apps.get(a).path("live_deployment_id").asText(null);
            String label = deploymentsByApp.getOrDefault(a, List.of()).stream().filter(d -> d.json.get("id").asText().equals(live))
                    .map(d -> d.json.get("label").asText()).findFirst().orElse(null);
            Map<String, String> serving = new java.util.LinkedHashMap<>();
            regionNames.forEach(r -> serving.put(r, label));
            return serving;
        });
    }

    private synchronized ArrayNode regions(String app) {
        ArrayNode list = Json.MAPPER.createArrayNode();
        servingOf(app).forEach((region, label) -> list.addObject().put("region", region).put("label", label)
                .put("rolled_back", false));
        return list;
    }

    private void restart(HttpExchange exchange, String app) throws IOException {
        Scripted live;
        synchronized (this) {
            String id = apps.get(app).path("live_deployment_id").asText(null);
            live = id == null ? null : deployments.get(id);
            if (live != null) {
                // Stays live throughout: only updated_at tells that the new instances took over.
                live.states = List.of("live", "live");
                live.step = 0;
                live.failureReason = restartFailure;
            }
        }
        if (live == null) {
            send(exchange, 409, problem(409, "nothing is live to restart (expected: a live deployment)"));
        } else {
            send(exchange, 202, live.json);
        }
    }

    private synchronized ObjectNode logs(int limit) {
        ObjectNode answer = Json.MAPPER.createObjectNode();
        ArrayNode lines = answer.putArray("lines");
        logLines.subList(Math.max(0, logLines.size() - limit), logLines.size()).forEach(lines::add);
        return answer;
    }

    private void followLogs(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        List<ObjectNode> lines;
        synchronized (this) {
            lines = new ArrayList<>(logLines);
            lines.addAll(streamedLogLines);
        }
        // Replays history first, as a server may: the CLI must not print those twice.
        out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
        for (ObjectNode line : lines) {
            out.write(("event: line\ndata: " + Json.compact(line) + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
        try {
            endLogStream.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void env(HttpExchange exchange, String app, String method, Request request) throws IOException {
        ObjectNode answer = Json.MAPPER.createObjectNode();
        synchronized (this) {
            Map<String, String> vars = env.get(app);
            if (vars == null) {
                send(exchange, 404, notFound(app));
                return;
            }
            if (method.equals("PATCH")) {
                JsonNode patch = request.json();
                patch.path("set").properties().forEach(e -> vars.put(e.getKey(), e.getValue().asText()));
                patch.path("unset").forEach(key -> vars.remove(key.asText()));
            }
            ObjectNode values = answer.putObject("env");
            vars.forEach(values::put);
        }
        send(exchange, 200, answer);
    }

    // ---- helpers ----

    private Scripted newDeployment(String app, String state, Instant createdAt) {
        List<Scripted> list = deploymentsByApp.get(app);
        int number = list.size() + 1;
        String id = UUID.randomUUID().toString();
        ObjectNode json = Json.MAPPER.createObjectNode()
                .put("id", id)
                .put("application_id", apps.get(app).get("id").asText())
                .put("app", app)
                .put("number", number)
                .put("label", "main/" + number)
                .put("environment", "production")
                .put("state", state);
        json.putObject("source").put("type", "upload").put("digest", "sha256:" + "ab".repeat(32));
        json.put("source_description", "upload sha256:abababababab")
                .putNull("artifact_digest")
                .put("buildpack", "node")
                .put("url", "http://d-" + id.substring(0, 8) + "." + app + ".localhost:8080")
                .putNull("failure_reason")
                .put("trigger", "upload")
                .put("created_at", createdAt.toString())
                .put("updated_at", createdAt.toString());
        Scripted d = new Scripted(json, List.of(state));
        list.add(d);
        deployments.put(id, d);
        return d;
    }

    private static ObjectNode logLine(long seq, String deploymentId, String source, String line) {
        return Json.MAPPER.createObjectNode()
                .put("seq", seq)
                .put("at", T0.plusSeconds(seq).plusMillis(123).toString())
                .put("deployment_id", deploymentId)
                .put("source", source)
                .put("stream", "stdout")
                .put("line", line);
    }

    private static ObjectNode notFound(String app) {
        return problem(404, "application \"" + app + "\" not found");
    }

    static ObjectNode problem(int status, String detail) {
        return Json.MAPPER.createObjectNode()
                .put("type", "about:blank")
                .put("title", status == 404 ? "Not Found" : status == 409 ? "Conflict" : status == 401 ? "Unauthorized" : "Bad Request")
                .put("status", status)
                .put("detail", detail);
    }

    private static Matcher match(String regex, String path) {
        Matcher m = Pattern.compile(regex).matcher(path);
        return m.matches() ? m : null;
    }

    private static String queryParam(Request request, String name, String fallback) {
        if (request.query() == null) {
            return fallback;
        }
        for (String pair : request.query().split("&")) {
            String[] kv = pair.split("=", 2);
            if (kv[0].equals(name)) {
                return kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "";
            }
        }
        return fallback;
    }

    private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = Json.compact(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", status >= 400 ? "application/problem+json" : "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
