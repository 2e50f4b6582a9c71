package io.helixstack.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helixstack.testing.TestDatabase;
import io.helixstack.testing.TestNats;
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
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The planes as processes, as the README sets them up: two runtime processes (regions eu and us), a delivery process, a
 * control process, two build workers, on one shared database and HELIX_HOME, over NATS JetStream. Apps deploy end to end
 * into both regions with the builds shared between the workers; then each kind of process is SIGKILLed — a build worker
 * mid-build (the other takes its build over), the control plane (production answers throughout; its restart serves the
 * same instances again), every runtime process at once (the apps' instances outlive them and keep answering; the
 * restarted ones take them over), the delivery process (started again, it gets its routes back) — and a rollback scoped
 * to eu leaves us on the latest release.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PlanesE2EIT {
    private static final Duration DEPLOY_TIMEOUT = Duration.ofMinutes(4);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private Path tmp;
    private Path home;
    private TestDatabase db;
    private TestNats.Names nats;
    private final Map<String, String> shared = new HashMap<>();
    private int apiPort;
    private int httpPort;
    private final Map<String, Integer> runtimePorts = new java.util.LinkedHashMap<>();
    private final Map<String, Process> runtimes = new java.util.LinkedHashMap<>();
    private Process control;
    private Process delivery;
    private int deliveryPort;
    private final List<Process> builders = new ArrayList<>();
    private final List<String> builderNames = new ArrayList<>(List.of("build-1", "build-2"));

    @BeforeAll
    void startPlanes(@TempDir Path dir) throws Exception {
        String natsUrl = TestNats.url();
        tmp = dir;
        home = dir.resolve("helix-home");
        db = TestDatabase.create();
        String stream = "HELIX_E2E_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toUpperCase(Locale.ROOT);
        nats = new TestNats.Names(stream, stream.toLowerCase(Locale.ROOT), stream.toLowerCase(Locale.ROOT) + "-dead-letters");
        apiPort = HelixProcesses.freePort();
        httpPort = HelixProcesses.freePort();
        runtimePorts.put("eu", HelixProcesses.freePort());
        runtimePorts.put("us", HelixProcesses.freePort());
        deliveryPort = HelixProcesses.freePort();
        // A short bus lease: a killed worker's build is taken over within seconds, not the default half minute.
        shared.put("HELIX_BUS_LEASE", "6s");
        // Samples every second: the delivery process's request samples show up quickly.
        shared.put("HELIX_METRICS_INTERVAL", "1s");
        shared.putAll(Map.of("HELIX_DATABASE_URL", db.jdbcUrl(), "HELIX_NATS_URL", natsUrl, "HELIX_NATS_STREAM", stream,
                "HELIX_SSH_PORT", "off", "HELIX_MANAGED_POSTGRES", "off", "HELIX_HEALTH_TIMEOUT", "20s",
                "HELIX_RUNTIME_URL", "eu=http://127.0.0.1:" + runtimePorts.get("eu") + ",us=http://127.0.0.1:" + runtimePorts.get("us"),
                "HELIX_DELIVERY_URL", "http://127.0.0.1:" + deliveryPort));
        for (String region : runtimePorts.keySet()) {
            runtimes.put(region, startRuntime(region, "runtime-" + region));
        }
        delivery = startDelivery("delivery");
        control = startControl("control");
        builders.add(plane("build", "build-1"));
        builders.add(plane("build", "build-2"));
        await("the build workers subscribed").atMost(Duration.ofMinutes(1)).until(() ->
                log("build-1").contains("Subscribed consumer=\"builds\"") && log("build-2").contains("Subscribed consumer=\"builds\""));
    }

    @AfterAll
    void stopPlanes() throws Exception {
        for (Process p : processes()) {
            p.destroy();
        }
        for (Process p : processes()) {
            p.waitFor();
        }
        if (nats != null) {
            nats.delete();
        }
        if (db != null) {
            db.close();
        }
    }

    private List<Process> processes() {
        List<Process> all = new ArrayList<>(builders);
        if (control != null) {
            all.add(control);
        }
        if (delivery != null) {
            all.add(delivery);
        }
        all.addAll(runtimes.values());
        return all;
    }

    @Test
    @Order(1)
    void twoAppsDeployThroughTheirOwnProcessesWithTheBuildsSharedBetweenTheWorkers() throws Exception {
        // A build that takes a few seconds, so both workers are busy at once.
        Path slow = app("slow-build", "sleep 4");
        // A thread each: the common pool of a 2-core machine would run the two deploys one after the other.
        java.util.concurrent.Executor apart = task -> Thread.ofPlatform().start(task);
        CompletableFuture<HelixProcesses.Result> first = CompletableFuture.supplyAsync(() ->
                HelixProcesses.cli(home, DEPLOY_TIMEOUT, "deploy", slow.toString(), "--app", "alpha"), apart);
        // hello-node with a slow build too: the two builds overlap, so the second request finds the first worker busy.
        Path hello = HelixProcesses.copyExample("hello-node", Files.createDirectories(tmp.resolve("examples")));
        Files.writeString(hello.resolve("package.json"), Files.readString(hello.resolve("package.json"))
                .replace("\"start\": \"node server.js\"", "\"build\": \"sleep 4\", \"start\": \"node server.js\""));
        CompletableFuture<HelixProcesses.Result> second = CompletableFuture.supplyAsync(() ->
                HelixProcesses.cli(home, DEPLOY_TIMEOUT, "deploy", hello.toString(), "--app", "beta"), apart);
        assertThat(first.get().exit()).as(first.get().toString()).isZero();
        assertThat(second.get().exit()).as(second.get().toString()).isZero();

        assertThat(get("alpha").body()).isEqualTo("slow-build");
        assertThat(get("beta").body()).isEqualTo("Hello from HelixStack v1");
        assertThat(log("build-1")).as("the first worker built one of them").contains("DeploymentBuilder Built");
        assertThat(log("build-2")).as("the second worker built the other").contains("DeploymentBuilder Built");
        assertThat(log("control")).as("the control process builds nothing").doesNotContain("DeploymentBuilder Building");
    }

    @Test
    @Order(2)
    void aBuildWorkerKilledMidBuildLeavesItsBuildToTheOther() throws Exception {
        Path slow = app("taken-over", "sleep 8");
        HelixProcesses.Result queued = HelixProcesses.cli(home, Duration.ofMinutes(1), "deploy", slow.toString(), "--app", "alpha", "--no-wait");
        assertThat(queued.exit()).as(queued.toString()).isZero();
        String id = latest("alpha").get("id").asText();
        await("a worker building " + id).atMost(Duration.ofMinutes(1)).until(() ->
                log("build-1").contains("Building deployment=\"" + id) || log("build-2").contains("Building deployment=\"" + id));
        int building = log("build-1").contains("Building deployment=\"" + id) ? 0 : 1;
        Process killed = builders.get(building);
        killed.destroyForcibly().waitFor();

        // The bus gives the unacknowledged request to the other worker once the dead one's ack wait is over.
        await("the deployment live after the takeover").atMost(DEPLOY_TIMEOUT).until(() -> state(id).equals("live")
                || state(id).equals("failed"));
        assertThat(deployment(id).path("failure_reason").asText(null)).isNull();
        assertThat(state(id)).isEqualTo("live");
        assertThat(log("build-" + (2 - building))).contains("Taking over a build a stopped worker left");
        assertThat(get("alpha").body()).isEqualTo("taken-over");
        assertThat(api("/deployments/" + id + "/build-log")).contains("-----> ");
        builderNames.set(building, "build-" + (building + 1) + "-again");
        builders.set(building, plane("build", builderNames.get(building)));
    }

    @Test
    @Order(3)
    void aKilledControlPlaneLeavesProductionAnsweringAndServesTheSameInstancesAgainOnRestart() throws Exception {
        String before = instanceIds("beta");
        Production production = Production.poll(this::get, "beta");
        try {
            control.destroyForcibly().waitFor();
            await("requests while no control plane runs").atMost(Duration.ofSeconds(30)).until(() -> production.answered() > 20);
            control = startControl("control-again");
            int restarted = production.answered();
            await("requests after the restart").atMost(Duration.ofSeconds(30)).until(() -> production.answered() > restarted + 20);
        } finally {
            production.stop();
        }
        assertThat(production.failures()).as("requests while the control plane was down and back (" + production.answered()
                + " answered)").isEmpty();
        assertThat(get("beta").body()).isEqualTo("Hello from HelixStack v1");
        assertThat(instanceIds("beta")).as("adopted from the runtime process, not started again").isEqualTo(before);
        assertThat(log("control-again")).contains("Keeping the delivery plane's routes while recovery restores what they serve");
    }

    @Test
    @Order(4)
    void theRequestFiguresComeFromTheDeliveryProcessLiveSampledAndOnMetrics() throws Exception {
        for (int i = 0; i < 10; i++) {
            assertThat(get("beta").statusCode()).isEqualTo(200);
        }
        JsonNode live = JSON.readTree(api("/applications/beta/metrics"));
        assertThat(requests(live)).as(live.toString()).isGreaterThanOrEqualTo(10);
        String prometheus = api("/metrics");
        assertThat(prometheus).contains("helix_proxy_requests_seconds_count{app=\"beta\"", "jvm_threads_live_threads");
        assertThat(prometheus.split("# TYPE helix_proxy_requests_seconds ", -1)).as("one family, from the delivery process")
                .hasSize(2);
        // The control process's sampler adds CPU and memory of the instances to the same deployment.
        await("the instances' memory beside the requests").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode again = JSON.readTree(api("/applications/beta/metrics"));
            assertThat(again.get("deployments").get(0).path("resources").path("memory_bytes").asLong()).as(again.toString())
                    .isGreaterThan(10L << 20);
        });
        await("the delivery process stores its samples").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode windowed = JSON.readTree(api("/applications/beta/metrics?window=10m"));
            assertThat(requests(windowed)).as(windowed.toString()).isGreaterThanOrEqualTo(10);
        });
    }

    private static long requests(JsonNode metrics) {
        long total = 0;
        for (JsonNode d : metrics.get("deployments")) {
            total += d.get("requests_total").asLong();
        }
        return total;
    }

    @Test
    @Order(5)
    void aDeliveryProcessStartedAgainServesItsKeptRoutesAndGetsTheControlPlanesAgain() throws Exception {
        delivery.destroyForcibly().waitFor();
        delivery = startDelivery("delivery-again");
        // The routes it kept on disk, at once; then the control plane notices the new process and sends its table.
        assertThat(log("delivery-again")).contains("Serving the routes the delivery plane had before it stopped");
        assertThat(get("beta").body()).isEqualTo("Hello from HelixStack v1");
        assertThat(get("alpha").statusCode()).isEqualTo(200);
        await("the control plane sends the table again").atMost(Duration.ofSeconds(30))
                .until(() -> log("control-again").contains("Delivery plane started again"));
        assertThat(get("beta").body()).isEqualTo("Hello from HelixStack v1");
    }

    @Test
    @Order(6)
    void killedRuntimeProcessesLeaveTheAppsAnsweringAndTheRestartedOnesTakeTheirInstancesOver() throws Exception {
        String before = instanceIds("beta");
        assertThat(before.split(",")).as("one instance per region").hasSize(2);
        Production production = Production.poll(this::get, "alpha", "beta");
        try {
            // No runtime process left: the instances they started answer on.
            for (Process runtime : runtimes.values()) {
                runtime.destroyForcibly().waitFor();
            }
            int whileDown = production.answered();
            await("requests while no runtime runs").atMost(Duration.ofSeconds(30)).until(() -> production.answered() > whileDown + 20);
            for (String region : List.copyOf(runtimes.keySet())) {
                runtimes.put(region, startRuntime(region, "runtime-" + region + "-again"));
            }
            await("the control plane sees both runtimes took beta's instances over").atMost(Duration.ofMinutes(1))
                    .until(() -> api("/applications/beta/logs?limit=1000").split("started again and took its instances over", -1)
                            .length - 1 >= 2);
        } finally {
            production.stop();
        }
        assertThat(production.failures()).as("requests while the runtimes were down and back (" + production.answered()
                + " answered)").isEmpty();
        assertThat(instanceIds("beta")).as("the same instances, taken over, not started again").isEqualTo(before);
        assertThat(log("control-again")).contains("Runtime plane started again");
        assertThat(log("runtime-eu-again")).contains("Took over the instances an earlier runtime process started");
    }

    @Test
    @Order(7)
    void aRollbackScopedToOneRegionLeavesTheOtherOnTheLatestRelease() throws Exception {
        HelixProcesses.Result r = HelixProcesses.cli(home, DEPLOY_TIMEOUT, "rollback", "--app", "alpha", "main/1", "--region", "eu");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("Rolled eu back to main/1; us serves main/2");
        JsonNode regions = JSON.readTree(api("/applications/alpha/regions"));
        assertThat(regions.toString()).contains("\"region\":\"eu\"", "\"label\":\"main/1\"", "\"region\":\"us\"", "\"label\":\"main/2\"");
        java.util.Set<String> bodies = new java.util.HashSet<>();
        for (int i = 0; i < 6; i++) {
            bodies.add(get("alpha").body());
        }
        assertThat(bodies).as("eu answers main/1, us main/2").containsExactlyInAnyOrder("slow-build", "taken-over");
        assertThat(latest("alpha").get("state").asText()).isEqualTo("live");
    }

    @Test
    @Order(8)
    void processesKilledAtRandomPointsOfDeploymentsLoseNothingAndPromoteNothingTwice() throws Exception {
        long seed = Long.getLong("helix.fault.seed", System.nanoTime());
        java.util.Random random = new java.util.Random(seed);
        System.out.println("PlanesE2EIT seed " + seed + " (rerun with -Dhelix.fault.seed=" + seed + ")");
        List<String> victims = List.of("build", "control", "runtime", "delivery");
        List<String> points = List.of("queued", "building", "deploying");
        Map<String, String> versions = new HashMap<>();
        Map<String, String> killedAt = new HashMap<>();
        // A first release nobody interrupts: whatever the kills do to the later ones, one deployment ends live.
        HelixProcesses.Result first = HelixProcesses.cli(home, DEPLOY_TIMEOUT, "deploy", app("gamma-v0", "true").toString(),
                "--app", "gamma");
        assertThat(first.exit()).as(first.toString()).isZero();
        versions.put(latest("gamma").get("id").asText(), "gamma-v0");
        for (int round = 1; round <= 3; round++) {
            String version = "gamma-v" + round;
            HelixProcesses.Result queued = HelixProcesses.cli(home, Duration.ofMinutes(1), "deploy", app(version, "sleep 2").toString(),
                    "--app", "gamma", "--no-wait");
            assertThat(queued.exit()).as(queued.toString()).isZero();
            String id = latest("gamma").get("id").asText();
            versions.put(id, version);
            String victim = victims.get(random.nextInt(victims.size()));
            String point = victim.equals("build") ? "building" : points.get(random.nextInt(points.size()));
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
                    .until(() -> FaultInvariants.reached(state(id), point));
            killedAt.put(id, victim + " at " + point);
            System.out.println("PlanesE2EIT round " + round + ": killing " + victim + " with " + version + " " + state(id));
            // While the delivery plane lives, production (beta, in both regions) answers every request.
            Production production = victim.equals("delivery") ? null : Production.poll(this::get, "beta");
            try {
                switch (victim) {
                    case "build" -> {
                        int which = builders.get(0).isAlive() && log(builderName(0)).contains("Building deployment=\"" + id) ? 0 : 1;
                        builders.get(which).destroyForcibly().waitFor();
                        builderNames.set(which, "build-" + (which + 1) + "-r" + round);
                        builders.set(which, plane("build", builderNames.get(which)));
                    }
                    case "control" -> {
                        control.destroyForcibly().waitFor();
                        control = startControl("control-r" + round);
                    }
                    case "delivery" -> {
                        delivery.destroyForcibly().waitFor();
                        delivery = startDelivery("delivery-r" + round);
                    }
                    default -> {
                        // Every runtime process: production answers from the instances that outlive them.
                        for (Process runtime : runtimes.values()) {
                            runtime.destroyForcibly().waitFor();
                        }
                        for (String region : List.copyOf(runtimes.keySet())) {
                            runtimes.put(region, startRuntime(region, "runtime-" + region + "-r" + round));
                        }
                    }
                }
                await("round " + round + " settles").atMost(Duration.ofMinutes(3)).ignoreExceptions()
                        .until(() -> FaultInvariants.SETTLED.contains(state(id)));
            } finally {
                if (production != null) {
                    production.stop();
                }
            }
            if (production != null) {
                assertThat(production.failures()).as("production while " + victim + " was killed at " + point).isEmpty();
            }
        }

        String liveId = FaultInvariants.check(JSON.readTree(api("/applications/gamma/deployments")),
                JSON.readTree(api("/events?app=gamma&limit=1000")).get("events"), killedAt);
        String expected = versions.get(liveId);
        await("gamma serves its live deployment").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .untilAsserted(() -> assertThat(get("gamma").body()).isEqualTo(expected));
    }

    /** A node app that answers {@code body} and whose build runs {@code buildCommand} first. */
    private Path app(String body, String buildCommand) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("apps").resolve(body));
        Files.writeString(dir.resolve("package.json"), """
                {"name": "%s", "version": "1.0.0", "scripts": {"build": "%s", "start": "node server.js"}}
                """.formatted(body, buildCommand));
        Files.writeString(dir.resolve("server.js"), """
                require('http').createServer((req, res) => res.end('%s')).listen(process.env.PORT, '127.0.0.1');
                """.formatted(body));
        return dir;
    }

    private Process startRuntime(String region, String name) throws Exception {
        Process p = plane("runtime", name, Map.of("HELIX_REGION", region, "HELIX_RUNTIME_PORT", String.valueOf(runtimePorts.get(region))));
        await(name + " agent").atMost(Duration.ofMinutes(1)).until(() -> {
            if (!p.isAlive()) {
                throw new AssertionError(name + " exited:\n" + log(name));
            }
            return log(name).contains("Runtime agent listening");
        });
        return p;
    }

    private Process startDelivery(String name) throws Exception {
        Process p = plane("delivery", name, Map.of("HELIX_HTTP_PORT", String.valueOf(httpPort), "HELIX_DELIVERY_PORT",
                String.valueOf(deliveryPort)));
        await(name + " agent").atMost(Duration.ofMinutes(1)).until(() -> {
            if (!p.isAlive()) {
                throw new AssertionError(name + " exited:\n" + log(name));
            }
            return log(name).contains("Delivery agent listening");
        });
        return p;
    }

    private Process startControl(String name) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("HELIX_API_PORT", String.valueOf(apiPort)));
        Process p = plane("control", name, env);
        await(name + " /healthz").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!p.isAlive()) {
                throw new AssertionError(name + " exited:\n" + log(name));
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

    private Process plane(String planes, String name) throws IOException {
        return plane(planes, name, Map.of());
    }

    private Process plane(String planes, String name, Map<String, String> extra) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(HelixProcesses.JAVA, "-jar", HelixProcesses.SERVER_JAR.toString(), "server",
                "--planes", planes);
        pb.environment().put("HELIX_HOME", home.toString());
        pb.environment().putAll(shared);
        pb.environment().putAll(extra);
        pb.redirectErrorStream(true);
        Files.createDirectories(home);
        pb.redirectOutput(tmp.resolve(name + ".log").toFile());
        return pb.start();
    }

    private String builderName(int which) {
        return builderNames.get(which);
    }

    private String log(String name) throws IOException {
        Path file = tmp.resolve(name + ".log");
        return Files.exists(file) ? Files.readString(file) : "";
    }

    private String instanceIds(String app) throws Exception {
        JsonNode d = latest(app);
        assertThat(d.get("state").asText()).isEqualTo("live");
        List<String> ids = new ArrayList<>();
        JSON.readTree(api("/deployments/" + d.get("id").asText() + "/instances")).forEach(i -> {
            if (i.get("state").asText().equals("running")) {
                ids.add(i.get("id").asText());
            }
        });
        return String.join(",", ids);
    }

    private JsonNode latest(String app) throws Exception {
        return JSON.readTree(api("/applications/" + app + "/deployments")).get(0);
    }

    private JsonNode deployment(String id) throws Exception {
        return JSON.readTree(api("/deployments/" + id));
    }

    private String state(String id) throws Exception {
        return deployment(id).get("state").asText();
    }

    private String api(String path) throws Exception {
        String token = Files.readAllLines(home.resolve("credentials")).stream().filter(l -> l.startsWith("token"))
                .map(l -> l.substring(l.indexOf('=') + 1).strip()).findFirst().orElseThrow();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + path))
                .header("authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return r.body();
    }

    private HttpResponse<String> get(String app) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/"))
                .header("host", app + ".localhost:" + httpPort).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
