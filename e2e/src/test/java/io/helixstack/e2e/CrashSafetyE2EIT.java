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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault injection: the packaged server is SIGKILLed at a random point of a deployment (just queued, building, starting
 * its instances), then started again, several times over. Afterwards every deployment has reached a live or terminal
 * state with its reason, none was promoted twice, every one has its events, and production serves the live one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrashSafetyE2EIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ROUNDS = 4;
    private static final List<String> KILL_POINTS = List.of("queued", "building", "deploying");

    // HTTP/1.1: over h2c the Host header would give way to the URI's authority, and the proxy routes by host.
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private Path tmp;
    private Path home;
    private int apiPort;
    private int httpPort;
    private Process server;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        tmp = dir;
        home = tmp.resolve("helix-home");
        apiPort = HelixProcesses.freePort();
        httpPort = HelixProcesses.freePort();
        server = startAndWait();
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null && server.isAlive()) {
            server.destroy();
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void sigkillAtRandomPointsOfDeploymentsLosesNothingAndPromotesNothingTwice() throws Exception {
        long seed = Long.getLong("helix.fault.seed", System.nanoTime());
        Random random = new Random(seed);
        System.out.println("CrashSafetyE2EIT seed " + seed + " (rerun with -Dhelix.fault.seed=" + seed + ")");
        HelixProcesses.Result first = HelixProcesses.cli(home, Duration.ofMinutes(5), "deploy",
                HelixProcesses.ROOT.resolve("examples/hello-node").toString(), "--app", "crashy");
        assertThat(first.exit()).as(first.toString()).isZero();

        List<String> deployments = new ArrayList<>();
        Map<String, String> versions = new HashMap<>();
        Map<String, String> killedAt = new HashMap<>();
        for (int round = 1; round <= ROUNDS; round++) {
            String id = upload("crashy", "v" + (round + 1));
            deployments.add(id);
            versions.put(id, "v" + (round + 1));
            String point = KILL_POINTS.get(random.nextInt(KILL_POINTS.size()));
            // Kill as soon as the deployment is at its chosen point, or has gone past it.
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20)).until(() -> FaultInvariants.reached(state(id), point));
            killedAt.put(id, point + " (was " + state(id) + ")");
            server.destroyForcibly().waitFor();
            server = startAndWait();
            // The live deployment's instances start again in the background once the API answers.
            await("production serves again after restart " + round).atMost(Duration.ofMinutes(1))
                    .until(() -> get("crashy").body().startsWith("Hello from HelixStack"));
        }

        await().atMost(Duration.ofMinutes(3)).until(() -> deployments.stream().allMatch(id -> FaultInvariants.SETTLED.contains(state(id))));
        JsonNode all = api("/applications/crashy/deployments");
        String liveId = FaultInvariants.check(all, api("/events?app=crashy&limit=1000").get("events"), killedAt);
        String expected = "Hello from HelixStack " + versions.getOrDefault(liveId, "v1");
        String liveOne = liveId;
        await("production serves the live deployment").atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(get("crashy").body())
                .as("live " + liveOne + " of " + versions + "; deployments " + all).isEqualTo(expected));
    }

    /** Uploads examples/hello-node answering {@code version}; returns the deployment id. */
    private String upload(String app, String version) throws Exception {
        Path source = HelixProcesses.copyExample("hello-node", Files.createTempDirectory(tmp, "src"));
        Files.writeString(source.resolve("VERSION"), version + "\n");
        Path tarball = tmp.resolve("upload-" + version + ".tar.gz");
        Process tar = new ProcessBuilder("tar", "czf", tarball.toString(), "-C", source.toString(), ".").inheritIO().start();
        assertThat(tar.waitFor()).isZero();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/applications/" + app
                        + "/deployments")).header("authorization", "Bearer " + token()).header("content-type", "application/gzip")
                .POST(HttpRequest.BodyPublishers.ofFile(tarball)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return JSON.readTree(r.body()).get("id").asText();
    }

    private String state(String id) {
        try {
            return api("/deployments/" + id).get("state").asText();
        } catch (Exception e) {
            return "unknown";
        }
    }

    private JsonNode api(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + path))
                .header("authorization", "Bearer " + token()).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private HttpResponse<String> get(String app) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/"))
                .header("host", app + ".localhost:" + httpPort).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String token() throws IOException {
        return Files.readAllLines(home.resolve("credentials")).stream().filter(l -> l.startsWith("token="))
                .map(l -> l.substring("token=".length())).findFirst().orElseThrow();
    }

    private Process startAndWait() throws IOException {
        Process p = HelixProcesses.startServer(home, apiPort, httpPort, Map.of("HELIX_HEALTH_TIMEOUT", "15s", "HELIX_SSH_PORT", "off"));
        await("server /healthz").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!p.isAlive()) {
                throw new AssertionError("server exited:\n" + Files.readString(home.resolve("server.log")));
            }
            try {
                return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/healthz")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
        return p;
    }
}
