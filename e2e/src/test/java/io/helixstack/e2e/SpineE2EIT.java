package io.helixstack.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spine as a user meets it: the packaged server on embedded PostgreSQL, the CLI, the examples, real HTTP through the
 * proxy. Steps build on each other (v1, v2 under load, a failing v3, rollback, restart, crash and restart).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SpineE2EIT {
    static final Duration DEPLOY_TIMEOUT = Duration.ofMinutes(4);
    static final ObjectMapper JSON = new ObjectMapper();

    Path tmp;
    Path home;
    int apiPort;
    int httpPort;
    int sshPort;
    Process server;
    // HTTP/1.1: over HTTP/2 the JDK client sends :authority from the URI, not the Host header set here.
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    void startServer(@TempDir Path dir) throws Exception {
        tmp = dir;
        home = tmp.resolve("helix-home");
        apiPort = HelixProcesses.freePort();
        httpPort = HelixProcesses.freePort();
        sshPort = HelixProcesses.freePort();
        server = startAndWait();
    }

    private Process startAndWait() throws IOException {
        Process p = HelixProcesses.startServer(home, apiPort, httpPort, Map.of("HELIX_HEALTH_TIMEOUT", "8s",
                // Samples every second, so the stored metrics of the traffic below show up quickly.
                "HELIX_METRICS_INTERVAL", "1s", "HELIX_SSH_PORT", String.valueOf(sshPort)));
        await("server /healthz").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!p.isAlive()) {
                throw new AssertionError("server exited:\n" + Files.readString(home.resolve("server.log")));
            }
            return status("http://127.0.0.1:" + apiPort + "/healthz", null) == 200;
        });
        return p;
    }

    @AfterAll
    void stopServer() throws Exception {
        if (server != null && server.isAlive()) {
            server.destroyForcibly().waitFor();
        }
    }

    @Test
    @Order(1)
    void credentialsAreWrittenPrivateAndEveryRouteButHealthNeedsTheToken() throws Exception {
        Path credentials = home.resolve("credentials");
        assertThat(Files.getPosixFilePermissions(credentials)).extracting(Object::toString)
                .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
        assertThat(status("http://127.0.0.1:" + apiPort + "/applications", null)).isEqualTo(401);
        assertThat(status("http://127.0.0.1:" + apiPort + "/openapi.json", null)).isEqualTo(401);
        assertThat(status("http://127.0.0.1:" + apiPort + "/applications", "hx_not-a-token")).isEqualTo(401);
        assertThat(status("http://127.0.0.1:" + apiPort + "/openapi.json", token())).isEqualTo(200);
    }

    @Test
    @Order(2)
    void deploysEachExampleThroughTheCli() throws Exception {
        deploy(HelixProcesses.ROOT.resolve("examples/hello-node"), "hello");
        assertThat(get("hello").body()).isEqualTo("Hello from HelixStack v1");

        deploy(HelixProcesses.ROOT.resolve("examples/static-site"), "site");
        HttpResponse<String> site = get("site");
        assertThat(site.statusCode()).isEqualTo(200);
        assertThat(site.body()).containsIgnoringCase("<html");
        assertThat(site.headers().firstValue("etag")).isPresent();

        deploy(HelixProcesses.copyExample("express-app", tmp), "express");
        assertThat(get("express").body()).contains("\"app\":\"express-app\"");
    }

    @Test
    @Order(2)
    void aHelixYamlAppRunsItsWebInstancesAndWorkerOnOneManagedDatabase() throws Exception {
        deploy(HelixProcesses.ROOT.resolve("examples/notes-worker"), "notes");

        // The worker writes rows, the web instances read them: both reach the same database.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(JSON.readTree(get("notes").body()).path("ticks").asInt())
                .isGreaterThan(2));
        java.util.Set<String> servedBy = new java.util.HashSet<>();
        for (int i = 0; i < 6; i++) {
            servedBy.add(JSON.readTree(get("notes").body()).get("servedBy").asText());
        }
        assertThat(servedBy).as("two web instances behind the proxy").hasSize(2);
        String logs = HelixProcesses.cli(home, Duration.ofMinutes(1), "logs", "--app", "notes", "--lines", "500").out();
        assertThat(logs).contains("release: table ticks ready", "Created database db", "limits: cpu 0.25, memory 64 MB");
    }

    @Test
    @Order(3)
    void deployingV2UnderLoadFailsNoRequestAndSwitchesTheBody() throws Exception {
        Path v2 = HelixProcesses.copyExample("hello-node", tmp.resolve("v2"));
        Files.writeString(v2.resolve("VERSION"), "v2\n");

        Set<String> bodies = ConcurrentHashMap.newKeySet();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger sent = new AtomicInteger();
        Thread load = Thread.ofPlatform().start(() -> {
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (!stop.get() && sent.get() < 200_000 && System.nanoTime() < deadline) {
                sent.incrementAndGet();
                try {
                    HttpResponse<String> r = get("hello");
                    if (r.statusCode() != 200) {
                        failures.add(r.statusCode() + " " + r.body());
                    } else {
                        bodies.add(r.body());
                    }
                } catch (Exception e) {
                    failures.add(e.toString());
                }
            }
        });
        deploy(v2, "hello");
        await().atMost(Duration.ofSeconds(10)).until(() -> bodies.contains("Hello from HelixStack v2"));
        stop.set(true);
        load.join();
        assertThat(failures).as("failed requests out of %d during the deploy", sent.get()).isEmpty();
        assertThat(bodies).contains("Hello from HelixStack v1", "Hello from HelixStack v2");
        assertThat(get("hello").body()).isEqualTo("Hello from HelixStack v2");
    }

    @Test
    @Order(4)
    void aV3ThatNeverBecomesHealthyFailsAndV2KeepsServing() throws Exception {
        Path v3 = HelixProcesses.copyExample("hello-node", tmp.resolve("v3"));
        Files.writeString(v3.resolve("VERSION"), "v3\n");
        Path serverJs = v3.resolve("server.js");
        Files.writeString(serverJs, Files.readString(serverJs).replace("res.writeHead(200", "res.writeHead(500"));

        HelixProcesses.Result r = HelixProcesses.cli(home, DEPLOY_TIMEOUT, "deploy", v3.toString(), "--app", "hello");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("health");
        JsonNode newest = deployments("hello").get(0);
        assertThat(newest.get("state").asText()).isEqualTo("failed");
        assertThat(newest.get("failure_reason").asText()).contains("500");
        assertThat(get("hello").body()).isEqualTo("Hello from HelixStack v2");
    }

    @Test
    @Order(5)
    void rollbackToV1ServesV1WithoutABuild() throws Exception {
        int before = deployments("hello").size();
        HelixProcesses.Result r = HelixProcesses.cli(home, DEPLOY_TIMEOUT, "rollback", "--app", "hello", "main/1");
        assertThat(r.exit()).as(r.toString()).isEqualTo(0);
        await().atMost(Duration.ofSeconds(30)).until(() -> get("hello").body().equals("Hello from HelixStack v1"));
        JsonNode all = deployments("hello");
        assertThat(all.size()).as("a rollback creates no deployment and runs no build").isEqualTo(before);
        JsonNode v1 = find(all, "main/1");
        assertThat(v1.get("state").asText()).isEqualTo("live");
        assertThat(find(all, "main/2").get("state").asText()).isEqualTo("rolled_back");
    }

    @Test
    @Order(6)
    void restartStartsANewProcessOfTheSameArtifact() throws Exception {
        JsonNode live = find(deployments("hello"), "main/1");
        String digest = live.get("artifact_digest").asText();
        String instanceBefore = get("hello").headers().firstValue("x-helix-instance").orElseThrow();

        HelixProcesses.Result r = HelixProcesses.cli(home, DEPLOY_TIMEOUT, "restart", "--app", "hello");
        assertThat(r.exit()).as(r.toString()).isEqualTo(0);
        await().atMost(Duration.ofSeconds(30)).until(() ->
                !instanceBefore.equals(get("hello").headers().firstValue("x-helix-instance").orElse(instanceBefore)));
        JsonNode after = find(deployments("hello"), "main/1");
        assertThat(after.get("state").asText()).isEqualTo("live");
        assertThat(after.get("artifact_digest").asText()).isEqualTo(digest);
        assertThat(get("hello").body()).isEqualTo("Hello from HelixStack v1");
    }

    @Test
    @Order(7)
    void afterSigkillAndRestartTheSameLiveDeploymentServesAgain() throws Exception {
        JsonNode before = deployments("hello");
        server.destroyForcibly().waitFor();
        server = startAndWait();
        await().atMost(Duration.ofMinutes(1)).until(() -> "Hello from HelixStack v1".equals(get("hello").body()));
        JsonNode after = deployments("hello");
        assertThat(after.size()).isEqualTo(before.size());
        for (int i = 0; i < before.size(); i++) {
            assertThat(after.get(i).get("id")).isEqualTo(before.get(i).get("id"));
            assertThat(after.get(i).get("state")).isEqualTo(before.get(i).get("state"));
            assertThat(after.get(i).get("artifact_digest")).isEqualTo(before.get(i).get("artifact_digest"));
        }
        assertThat(get("site").statusCode()).isEqualTo(200);
    }

    @Test
    @Order(8)
    void logsAndMetricsComeFromTheRealTraffic() throws Exception {
        for (int i = 0; i < 20; i++) {
            assertThat(get("hello").statusCode()).isEqualTo(200);
        }
        HelixProcesses.Result logs = HelixProcesses.cli(home, Duration.ofMinutes(1), "logs", "--app", "hello", "--lines", "500");
        assertThat(logs.exit()).as(logs.toString()).isZero();
        assertThat(logs.out()).contains("listening on http://127.0.0.1:").contains("Promoted main/1");

        JsonNode metrics = JSON.readTree(api("/applications/hello/metrics"));
        long served = 0;
        for (JsonNode d : metrics.get("deployments")) {
            served += d.get("requests_total").asLong();
        }
        assertThat(served).as(metrics.toString()).isGreaterThanOrEqualTo(20);
        assertThat(api("/metrics")).contains("helix_proxy_requests_seconds_count{app=\"hello\"");

        // The sampler stores the traffic and the instance's real CPU and memory (read from /proc, through bubblewrap).
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode windowed = JSON.readTree(api("/applications/hello/metrics?window=10m"));
            long sampled = 0;
            long memory = 0;
            for (JsonNode d : windowed.get("deployments")) {
                sampled += d.get("requests_total").asLong();
                memory = Math.max(memory, d.path("resources").path("memory_bytes").asLong());
            }
            assertThat(sampled).as(windowed.toString()).isGreaterThanOrEqualTo(20);
            assertThat(memory).as("resident memory of a node process").isGreaterThan(10L << 20);
        });
        HelixProcesses.Result shown = HelixProcesses.cli(home, Duration.ofMinutes(1), "metrics", "--app", "hello", "--window", "10m");
        assertThat(shown.exit()).as(shown.toString()).isZero();
        assertThat(shown.out()).contains("DEPLOYMENT", "P50 / P95 / P99", "MEMORY", "MB");
        HelixProcesses.Result events = HelixProcesses.cli(home, Duration.ofMinutes(1), "events", "--app", "hello", "--lines", "200");
        assertThat(events.exit()).as(events.toString()).isZero();
        assertThat(events.out()).contains("deployment.production.requested", "deploy.promoted", "deployment.rolled_back");
        Path compose = tmp.resolve("exported/docker-compose.yml");
        Files.createDirectories(compose.getParent());
        HelixProcesses.Result exported = HelixProcesses.cli(home, Duration.ofMinutes(1), "export", "compose", "--app", "hello",
                "-o", compose.toString());
        assertThat(exported.exit()).as(exported.toString()).isZero();
        assertThat(Files.readString(compose)).contains("helix-artifact", "/artifacts/");
        Process check = new ProcessBuilder("docker-compose", "-f", compose.toString(), "config", "-q").redirectErrorStream(true).start();
        String checked = new String(check.getInputStream().readAllBytes());
        assertThat(check.waitFor()).as("docker-compose config: " + checked).isZero();
        HelixProcesses.Result badWindow = HelixProcesses.cli(home, Duration.ofMinutes(1), "metrics", "--app", "hello", "--window", "soon");
        assertThat(badWindow.exit()).isNotZero();
        assertThat(badWindow.err()).contains("window").contains("expected").doesNotContain("Exception");
    }

    @Test
    @Order(9)
    void gitPushOverHttpAndSshDeploysAndServes() throws Exception {
        Path repo = tmp.resolve("pushed-app");
        copyTree(HelixProcesses.ROOT.resolve("examples/hello-node"), repo);
        Files.writeString(repo.resolve("VERSION"), "pushed-1\n");
        assertThat(git(repo, Map.of(), "init", "-q", "-b", "main").exit()).isZero();
        assertThat(git(repo, Map.of(), "add", "-A").exit()).isZero();
        assertThat(git(repo, Map.of(), "commit", "-q", "-m", "first").exit()).isZero();

        HelixProcesses.Result http = git(repo, Map.of(), "push", "http://helix:" + token() + "@127.0.0.1:" + apiPort + "/git/pushed.git",
                "main");
        assertThat(http.exit()).as(http.toString()).isZero();
        assertThat(http.err()).contains("remote: ", "is live at http://pushed.localhost:" + httpPort);
        assertThat(get("pushed").body()).isEqualTo("Hello from HelixStack pushed-1");

        Path key = tmp.resolve("push_key");
        assertThat(new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString()).start().waitFor()).isZero();
        HelixProcesses.Result added = HelixProcesses.cli(home, Duration.ofMinutes(1), "keys", "add", key + ".pub", "--name", "e2e");
        assertThat(added.exit()).as(added.toString()).isZero();
        Files.writeString(repo.resolve("VERSION"), "pushed-2\n");
        git(repo, Map.of(), "commit", "-q", "-am", "second");
        HelixProcesses.Result ssh = git(repo, Map.of("GIT_SSH_COMMAND", "ssh -i " + key + " -o StrictHostKeyChecking=no"
                + " -o UserKnownHostsFile=/dev/null -o IdentitiesOnly=yes -o BatchMode=yes"), "push",
                "ssh://git@127.0.0.1:" + sshPort + "/pushed.git", "main");
        assertThat(ssh.exit()).as(ssh.toString()).isZero();
        assertThat(ssh.err()).contains("is live at http://pushed.localhost:" + httpPort);
        assertThat(get("pushed").body()).isEqualTo("Hello from HelixStack pushed-2");
        assertThat(find(deployments("pushed"), "main/2").get("trigger").asText()).isEqualTo("git:push");
    }

    private static HelixProcesses.Result git(Path dir, Map<String, String> env, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("git", "-c", "user.name=E2E", "-c", "user.email=e2e@example.com",
                "-c", "commit.gpgsign=false"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().put("GIT_TERMINAL_PROMPT", "0");
        pb.environment().putAll(env);
        Path out = Files.createTempFile("git", ".out");
        Path err = Files.createTempFile("git", ".err");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(5, java.util.concurrent.TimeUnit.MINUTES)).as("git " + String.join(" ", args)).isTrue();
        return new HelixProcesses.Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                if (p.toString().contains("node_modules")) {
                    continue;
                }
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    @Test
    @Order(10)
    void badInputGetsOneClearLineAndANonZeroExit() throws Exception {
        HelixProcesses.Result badName = HelixProcesses.cli(home, Duration.ofMinutes(1), "deploy",
                HelixProcesses.ROOT.resolve("examples/hello-node").toString(), "--app", "Not_Valid");
        assertThat(badName.exit()).isNotZero();
        assertThat(badName.err()).contains("expected").doesNotContain("Exception");

        Path empty = Files.createDirectories(tmp.resolve("nothing-to-build"));
        Files.writeString(empty.resolve("notes.txt"), "no app here");
        HelixProcesses.Result nothing = HelixProcesses.cli(home, Duration.ofMinutes(1), "deploy", empty.toString(), "--app", "nothing");
        assertThat(nothing.exit()).isNotZero();
        assertThat(nothing.err()).contains("buildpack");
    }

    @Test
    @Order(11)
    void sigtermStopsThePlatformAndEveryAppItRuns() throws Exception {
        server.destroy();
        assertThat(server.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as("the server stops within 60 s of SIGTERM").isTrue();
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(ProcessHandle.allProcesses()
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("")).filter(c -> c.contains(home.toString())))
                .as("processes left running").isEmpty());
    }

    private void deploy(Path dir, String app) {
        HelixProcesses.Result r = HelixProcesses.cli(home, DEPLOY_TIMEOUT, "deploy", dir.toString(), "--app", app);
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("http://" + app + ".localhost:" + httpPort);
    }

    private JsonNode deployments(String app) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/applications/" + app + "/deployments"))
                .header("authorization", "Bearer " + token()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private String api(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + path))
                .header("authorization", "Bearer " + token()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    private static JsonNode find(JsonNode deployments, String label) {
        for (JsonNode d : deployments) {
            if (d.get("label").asText().equals(label)) {
                return d;
            }
        }
        throw new AssertionError("no deployment " + label + " in " + deployments);
    }

    /** A request through the proxy with the app's host name, as a browser would send it. */
    private HttpResponse<String> get(String app) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/"))
                .header("host", app + ".localhost:" + httpPort).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private int status(String url, String token) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5));
        if (token != null) {
            b.header("authorization", "Bearer " + token);
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.net.ConnectException e) {
            return -1;
        }
    }

    private String token() throws IOException {
        return Files.readAllLines(home.resolve("credentials")).stream().filter(l -> l.startsWith("token="))
                .map(l -> l.substring(6)).findFirst().orElseThrow();
    }
}
