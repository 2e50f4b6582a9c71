package io.helixstack.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helixstack.plugin.api.BuildContext;
import io.helixstack.plugin.api.Buildpack;
import io.helixstack.plugin.api.Detection;
import io.helixstack.plugin.api.Instance;
import io.helixstack.plugin.api.MetricPoint;
import io.helixstack.plugin.api.Release;
import io.helixstack.plugin.api.StepResult;
import io.helixstack.plugin.tck.InMemoryDeliveryProvider;
import io.helixstack.plugin.tck.InMemoryRuntimeDriver;
import io.helixstack.store.Store;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control plane's API and orchestrator over real PostgreSQL and the real build service, with the in-memory runtime
 * and delivery fakes: the lifecycle rules (health gate, rollback, restart), logs, metrics and bad input, without node or
 * a proxy.
 */
class ControlApiIT extends ControlApiSupport {
    @Test
    void healthNeedsNoTokenEverythingElseDoes() throws Exception {
        assertThat(send("GET", "/healthz", null, null, null).statusCode()).isEqualTo(200);
        HttpResponse<String> r = send("GET", "/projects", null, null, null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/problem+json");
        assertThat(send("GET", "/projects", null, null, "hx_wrong").statusCode()).isEqualTo(401);
    }

    @Test
    void seedProjectRoutes() throws Exception {
        HttpResponse<String> created = json("POST", "/projects", "{\"name\":\"shop\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        String id = JSON.readTree(created.body()).get("id").asText();
        assertThat(JSON.readTree(json("GET", "/projects", null).body()).findValuesAsText("name")).contains("shop");

        HttpResponse<String> app = json("POST", "/projects/" + id + "/applications", "{\"name\":\"shop-web\"}");
        assertThat(app.statusCode()).isEqualTo(201);
        assertThat(JSON.readTree(app.body()).get("url").asText()).isEqualTo("http://shop-web.localhost:8080");
        JsonNode detail = JSON.readTree(json("GET", "/projects/" + id, null).body());
        assertThat(detail.get("applications").findValuesAsText("name")).containsExactly("shop-web");
        assertThat(json("GET", "/projects/" + id + "/deployments", null).statusCode()).isEqualTo(200);

        HttpResponse<String> git = json("POST", "/projects/" + id + "/applications",
                "{\"name\":\"from-git\",\"git_repository\":\"file:///nonexistent/repo.git\"}");
        assertThat(git.statusCode()).isEqualTo(202);
        JsonNode first = JSON.readTree(git.body()).get("deployments").get(0);
        assertThat(first.get("state").asText()).isIn("queued", "building", "failed");
        await().atMost(Duration.ofSeconds(30)).until(() -> state(first.get("id").asText()).equals("failed"));
    }

    @Test
    void healthGateRollbackAndRestart() throws Exception {
        json("POST", "/applications", "{\"name\":\"gate\"}");
        JsonNode v1 = awaitState(upload("gate", "fake-serve v1"), "live");
        JsonNode v2 = awaitState(upload("gate", "fake-serve v2"), "live");
        assertThat(state(v1.get("id").asText())).isEqualTo("superseded");
        assertThat(delivery.routes().find("gate.localhost")).hasValueSatisfying(r -> assertThat(r.deploymentId().toString())
                .isEqualTo(v2.get("id").asText()));

        JsonNode v3 = awaitState(upload("gate", "fake-unhealthy"), "failed");
        assertThat(v3.get("failure_reason").asText()).contains("health check failed");
        assertThat(delivery.routes().find("gate.localhost").orElseThrow().deploymentId().toString()).isEqualTo(v2.get("id").asText());

        HttpResponse<String> rb = json("POST", "/applications/gate/rollback", "{}");
        assertThat(rb.statusCode()).as(rb.body()).isEqualTo(202);
        assertThat(JSON.readTree(rb.body()).get("label").asText()).isEqualTo("main/1");
        awaitState(v1.get("id").asText(), "live");
        assertThat(state(v2.get("id").asText())).isEqualTo("rolled_back");
        assertThat(store.builds().countForDeployment(java.util.UUID.fromString(v1.get("id").asText()))).isEqualTo(1);

        String before = JSON.readTree(json("GET", "/deployments/" + v1.get("id").asText(), null).body()).get("updated_at").asText();
        assertThat(json("POST", "/applications/gate/restart", null).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> !JSON.readTree(json("GET", "/deployments/" + v1.get("id").asText(), null).body())
                .get("updated_at").asText().equals(before));
        assertThat(json("POST", "/applications/gate/rollback", "{\"deployment\":\"main/1\"}").statusCode()).isEqualTo(409);

        JsonNode log = JSON.readTree(json("GET", "/deployments/" + v1.get("id").asText() + "/build-log?after=0", null).body());
        assertThat(log.get("done").asBoolean()).isTrue();
        assertThat(log.get("lines").findValuesAsText("line")).anyMatch(l -> l.contains("nothing to compile"));
    }

    @Test
    void deploysAGitRepositoryAtTheExactCommit() throws Exception {
        Path repoDir = tmp.resolve("repo");
        String sha;
        try (org.eclipse.jgit.api.Git git = org.eclipse.jgit.api.Git.init().setDirectory(repoDir.toFile()).setInitialBranch("main").call()) {
            Files.writeString(repoDir.resolve("cmd.txt"), "fake-serve from git");
            git.add().addFilepattern("cmd.txt").call();
            sha = git.commit().setMessage("first").setAuthor("t", "t@example.com").setCommitter("t", "t@example.com").setSign(false)
                    .call().getName();
        }
        json("POST", "/applications", "{\"name\":\"gitapp\"}");
        HttpResponse<String> r = json("POST", "/applications/gitapp/deployments",
                "{\"git_repository\":\"" + repoDir.toUri() + "\",\"ref\":\"main\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        JsonNode live = awaitState(JSON.readTree(r.body()).get("id").asText(), "live");
        assertThat(live.get("source").get("sha").asText()).isEqualTo(sha);
        assertThat(json("POST", "/applications/gitapp/deployments", "{\"git_repository\":\"--upload-pack=evil\"}").statusCode())
                .isEqualTo(400);
    }

    @Test
    void logsAreMaskedFilteredAndQueryable() throws Exception {
        json("POST", "/applications", "{\"name\":\"logged\"}");
        json("PATCH", "/applications/logged/env", "{\"set\":{\"API_TOKEN\":\"tok-9f8e7d6c5b\"}}");
        JsonNode d = awaitState(upload("logged", "fake-serve hi"), "live");
        java.util.UUID id = java.util.UUID.fromString(d.get("id").asText());
        logs.ingestLogs(List.of(
                new io.helixstack.plugin.api.LogRecord(java.time.Instant.now(), id, "web.1", "stdout", "connecting with tok-9f8e7d6c5b"),
                new io.helixstack.plugin.api.LogRecord(java.time.Instant.now(), id, "web.1", "stderr", "50%_done marker")));
        logs.flush();
        JsonNode all = JSON.readTree(json("GET", "/applications/logged/logs?limit=1000", null).body()).get("lines");
        assertThat(all.findValuesAsText("line")).contains("connecting with " + SecretMasker.MASK)
                .noneMatch(l -> l.contains("tok-9f8e7d6c5b"));
        assertThat(all.findValuesAsText("line")).anyMatch(l -> l.startsWith("Promoted main/1"));
        JsonNode found = JSON.readTree(json("GET", "/applications/logged/logs?q=50%25_DONE&since=10m&deployment=main/1", null).body());
        assertThat(found.get("lines").findValuesAsText("line")).containsExactly("50%_done marker");
        assertThat(json("GET", "/applications/logged/logs?since=yesterday", null).statusCode()).isEqualTo(400);

        // Live tail: a line ingested after the stream opened arrives as a server-sent event.
        HttpResponse<java.util.stream.Stream<String>> tail = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + api.port() + "/applications/logged/logs?follow=1&limit=1"))
                .header("authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(tail.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        logs.ingestLogs(List.of(new io.helixstack.plugin.api.LogRecord(java.time.Instant.now(), id, "web.1", "stdout", "tailed line")));
        try (java.util.stream.Stream<String> lines = tail.body()) {
            assertThat(lines.filter(l -> l.startsWith("data:")).anyMatch(l -> l.contains("tailed line"))).isTrue();
        }
    }

    @Test
    void helixYamlDecidesTheWebCommandAndIsValidatedAtUpload() throws Exception {
        json("POST", "/applications", "{\"name\":\"manifested\"}");
        String manifest = """
                name: manifested
                version: 1
                services:
                  web:
                    command: fake-serve from-manifest
                    http_port: 3000
                    healthcheck:
                      path: /healthz
                """;
        HttpResponse<String> ok = send("POST", "/applications/manifested/deployments",
                tarGz(java.util.Map.of("cmd.txt", "fake-serve from-buildpack", "helix.yaml", manifest)), "application/gzip", token);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(202);
        awaitState(JSON.readTree(ok.body()).get("id").asText(), "live");
        io.helixstack.plugin.api.Instance web = runtime.instances().stream().filter(i -> i.app().equals("manifested")).findFirst().orElseThrow();
        HttpResponse<String> served = http.send(HttpRequest.newBuilder(URI.create("http://" + web.endpoint() + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(served.body()).isEqualTo("from-manifest");

        HttpResponse<String> bad = send("POST", "/applications/manifested/deployments",
                tarGz(java.util.Map.of("cmd.txt", "fake-serve x", "helix.yaml", "name: manifested\nversion: 1\nservices:\n  web:\n    comand: x\n")),
                "application/gzip", token);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(bad.body()).get("detail").asText()).contains("helix.yaml:5:5").contains("did you mean");

        String withDb = manifest.replace("      path: /healthz\n", "      path: /healthz\n    env:\n      DATABASE_URL: ${db.URL}\n")
                + "databases:\n  db:\n    type: postgresql\n    version: \"16\"\n";
        HttpResponse<String> db = send("POST", "/applications/manifested/deployments",
                tarGz(java.util.Map.of("cmd.txt", "fake-serve x", "helix.yaml", withDb)), "application/gzip", token);
        String withDbId = JSON.readTree(db.body()).get("id").asText();
        awaitState(withDbId, "live");
        io.helixstack.plugin.api.Instance managed = runtime.instances().stream()
                .filter(i -> i.deploymentId().toString().equals(withDbId)).findFirst().orElseThrow();
        assertThat(runtime.environmentOf(managed).get("DATABASE_URL")).startsWith("postgresql://" + fixture.dbPrefix + "manifested_db_");

        String withRedis = withDb.replace("type: postgresql", "type: redis");
        HttpResponse<String> redis = send("POST", "/applications/manifested/deployments",
                tarGz(java.util.Map.of("cmd.txt", "fake-serve x", "helix.yaml", withRedis)), "application/gzip", token);
        JsonNode failed = awaitState(JSON.readTree(redis.body()).get("id").asText(), "failed");
        assertThat(failed.get("failure_reason").asText()).contains("databases.db: type redis is not managed on the local process runtime");
    }

    @Test
    void envVarsRoundTripAndRejectBadKeys() throws Exception {
        json("POST", "/applications", "{\"name\":\"envs\"}");
        HttpResponse<String> set = json("PATCH", "/applications/envs/env", "{\"set\":{\"API_KEY\":\"abc\"}}");
        assertThat(JSON.readTree(set.body()).get("env").get("API_KEY").asText()).isEqualTo("abc");
        assertThat(json("PATCH", "/applications/envs/env", "{\"set\":{\"1BAD\":\"x\"}}").statusCode()).isEqualTo(400);
        assertThat(json("PATCH", "/applications/envs/env", "{\"set\":{\"PORT\":\"1\"}}").body()).contains("set by HelixStack");
        assertThat(json("PATCH", "/applications/envs/env", "{\"unset\":[\"API_KEY\"]}").body()).doesNotContain("API_KEY");
    }

    @Test
    void badInputIsAClearProblemAndLeavesNothingBehind() throws Exception {
        HttpResponse<String> badName = json("POST", "/applications", "{\"name\":\"Bad_Name\"}");
        assertThat(badName.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badName.body()).get("detail").asText()).contains("expected");
        assertThat(json("POST", "/applications", "{\"name\":").body()).contains("malformed JSON");
        assertThat(json("POST", "/applications", "{\"nmae\":\"x\"}").body()).contains("unknown field \\\"nmae\\\"");
        assertThat(json("GET", "/applications/nope", null).statusCode()).isEqualTo(404);
        assertThat(json("GET", "/deployments/not-a-uuid", null).statusCode()).isEqualTo(404);
        assertThat(json("POST", "/applications", "{\"name\":\"dupe\"}").statusCode()).isEqualTo(201);
        assertThat(json("POST", "/applications", "{\"name\":\"dupe\"}").statusCode()).isEqualTo(409);

        HttpResponse<String> escape = send("POST", "/applications/dupe/deployments", tarGz("../evil.txt", "x"), "application/gzip", token);
        assertThat(escape.statusCode()).isEqualTo(400);
        assertThat(escape.body()).contains("evil.txt");
        HttpResponse<String> nothing = send("POST", "/applications/dupe/deployments", tarGz("notes.txt", "x"), "application/gzip", token);
        assertThat(nothing.statusCode()).isEqualTo(400);
        assertThat(nothing.body()).contains("no buildpack");
        HttpResponse<String> huge = send("POST", "/applications/dupe/deployments", tarGz("cmd.txt", randomText(150_000)),
                "application/gzip", token);
        assertThat(huge.statusCode()).isEqualTo(413);
        assertThat(JSON.readTree(json("GET", "/applications/dupe/deployments", null).body())).isEmpty();
        assertThat(send("POST", "/applications/dupe/deployments", new byte[]{1}, "text/plain", token).statusCode()).isEqualTo(415);
    }

    @Test
    void proxyMetricsPerDeploymentAndPrometheusText() throws Exception {
        json("POST", "/applications", "{\"name\":\"metered\"}");
        JsonNode live = awaitState(upload("metered", "fake-serve v1"), "live");
        String shortId = live.get("id").asText().substring(0, 8);
        // Recorded the way delivery's ProxyMetrics names and tags them (the control plane cannot see that class).
        Timer ok = Timer.builder(MetricsApi.REQUESTS).tags("app", "metered", "deployment", shortId, "status", "2xx")
                .publishPercentileHistogram().publishPercentiles(0.5, 0.95, 0.99).register(metrics);
        for (int ms = 1; ms <= 100; ms++) {
            ok.record(Duration.ofMillis(ms));
        }
        Timer.builder(MetricsApi.REQUESTS).tags("app", "metered", "deployment", shortId, "status", "4xx")
                .publishPercentileHistogram().publishPercentiles(0.5, 0.95, 0.99).register(metrics).record(Duration.ofMillis(3));
        Counter.builder(MetricsApi.RESPONSE_BYTES).baseUnit("bytes").tags("app", "metered", "deployment", shortId)
                .register(metrics).increment(1234);
        AtomicInteger inFlight = new AtomicInteger(2);
        Gauge.builder(MetricsApi.IN_FLIGHT, inFlight, AtomicInteger::get).tags("app", "metered", "deployment", shortId)
                .register(metrics);

        HttpResponse<String> r = json("GET", "/applications/metered/metrics", null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode d = JSON.readTree(r.body()).get("deployments").get(0);
        assertThat(d.get("deployment").asText()).isEqualTo(shortId);
        assertThat(d.get("deployment_id").asText()).isEqualTo(live.get("id").asText());
        assertThat(d.get("state").asText()).isEqualTo("live");
        assertThat(d.get("requests").get("2xx").asLong()).isEqualTo(100);
        assertThat(d.get("requests").get("4xx").asLong()).isEqualTo(1);
        assertThat(d.get("requests_total").asLong()).isEqualTo(101);
        assertThat(d.get("response_bytes").asLong()).isEqualTo(1234);
        assertThat(d.get("in_flight").asInt()).isEqualTo(2);
        // Histogram buckets are ~10% apart, so the interpolated quantiles land near the true ones, not on them.
        assertThat(d.get("latency_ms").get("p50").asDouble()).isBetween(40.0, 60.0);
        assertThat(d.get("latency_ms").get("p99").asDouble()).isBetween(85.0, 115.0);
        assertThat(json("GET", "/applications/nope/metrics", null).statusCode()).isEqualTo(404);

        assertThat(send("GET", "/metrics", null, null, null).statusCode()).isEqualTo(401);
        HttpResponse<String> text = send("GET", "/metrics", null, null, token);
        assertThat(text.statusCode()).isEqualTo(200);
        assertThat(text.headers().firstValue("content-type").orElseThrow()).startsWith("text/plain; version=0.0.4");
        // The Prometheus project's parser reads all of it; the proxy's histogram is there with its buckets.
        JsonNode families = PrometheusTextParser.parse(text.body());
        JsonNode requests = null;
        for (JsonNode f : families) {
            if (f.get("name").asText().equals("helix_proxy_requests_seconds")) {
                requests = f;
            }
        }
        assertThat(requests).as("helix_proxy_requests_seconds family").isNotNull();
        assertThat(requests.get("type").asText()).isEqualTo("histogram");
        assertThat(requests.get("samples").findValuesAsText("name")).contains("helix_proxy_requests_seconds_bucket",
                "helix_proxy_requests_seconds_count", "helix_proxy_requests_seconds_sum");
        assertThat(text.body()).contains("helix_proxy_requests_seconds_count{app=\"metered\",deployment=\"" + shortId
                + "\",status=\"2xx\"} 100");
        assertThat(text.body()).contains("helix_proxy_response_bytes_total{app=\"metered\",deployment=\"" + shortId + "\"} 1234");

        // Sampling turns the cumulative meters into stored deltas; a window sums them.
        Instance instance = fixture.orchestrator.instancesOf(UUID.fromString(live.get("id").asText())).get(0);
        runtime.setUsage(instance, 1.5, 64L << 20);
        List<MetricPoint> first = fixture.sampler.sample();
        assertThat(first).filteredOn(p -> p.app().equals("metered") && p.name().equals(MetricsSampler.REQUEST_DURATION))
                .extracting(p -> p.attributes().get("status") + "=" + p.count()).containsExactlyInAnyOrder("2xx=100", "4xx=1");
        for (int i = 0; i < 10; i++) {
            ok.record(Duration.ofMillis(7));
        }
        runtime.setUsage(instance, 2.0, 32L << 20);
        List<MetricPoint> second = fixture.sampler.sample();
        assertThat(second).filteredOn(p -> p.app().equals("metered") && p.name().equals(MetricsSampler.REQUEST_DURATION))
                .extracting(p -> p.attributes().get("status") + "=" + p.count()).containsExactly("2xx=10");
        assertThat(second).filteredOn(p -> p.app().equals("metered") && p.name().equals(MetricsSampler.CPU_TIME)).singleElement()
                .satisfies(p -> assertThat(p.value()).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-9)));
        assertThat(second).noneMatch(p -> p.app().equals("metered") && p.name().equals(MetricsSampler.RESPONSE_BYTES));

        JsonNode windowed = JSON.readTree(json("GET", "/applications/metered/metrics?window=5m", null).body());
        assertThat(windowed.get("window").asText()).isEqualTo("5m");
        JsonNode w = windowed.get("deployments").get(0);
        assertThat(w.get("deployment").asText()).isEqualTo(shortId);
        assertThat(w.get("requests").get("2xx").asLong()).isEqualTo(110);
        assertThat(w.get("requests").get("4xx").asLong()).isEqualTo(1);
        assertThat(w.get("response_bytes").asLong()).isEqualTo(1234);
        assertThat(w.get("latency_ms").get("p50").asDouble()).isBetween(35.0, 60.0);
        assertThat(w.get("resources").get("memory_bytes").asLong()).isEqualTo(32L << 20);
        assertThat(w.get("resources").get("cpu_percent").asDouble()).as("2 CPU seconds over 5 minutes").isEqualTo(0.7);
        JsonNode now = JSON.readTree(json("GET", "/applications/metered/metrics", null).body()).get("deployments").get(0);
        assertThat(now.get("resources").get("memory_bytes").asLong()).isEqualTo(32L << 20);
        assertThat(now.get("resources").get("instances").asInt()).isEqualTo(1);
        HttpResponse<String> bad = json("GET", "/applications/metered/metrics?window=soon", null);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("window", "expected");
        JsonNode memory = null;
        for (JsonNode f : PrometheusTextParser.parse(send("GET", "/metrics", null, null, token).body())) {
            if (f.get("name").asText().equals("helix_instance_memory_bytes")) {
                memory = f;
            }
        }
        assertThat(memory).as("helix_instance_memory_bytes family").isNotNull();
        assertThat(memory.get("type").asText()).isEqualTo("gauge");
        JsonNode mine = null;
        for (JsonNode sampleOf : memory.get("samples")) {
            if (sampleOf.get("labels").get("deployment").asText().equals(shortId)) {
                mine = sampleOf;
            }
        }
        assertThat(mine).as("metered's series").isNotNull();
        assertThat(mine.get("labels").get("app").asText()).isEqualTo("metered");
        assertThat(mine.get("value").asLong()).isEqualTo(32L << 20);
    }

    @Test
    void openApiListsEveryRoute() throws Exception {
        JsonNode doc = JSON.readTree(json("GET", "/openapi.json", null).body());
        assertThat(doc.get("paths").fieldNames()).toIterable().contains("/healthz", "/projects", "/projects/{id}",
                "/projects/{id}/applications", "/projects/{id}/deployments", "/projects/{id}/deployments/{depId}/rollback",
                "/projects/{id}/deployments/{depId}/restart", "/applications", "/applications/{app}/deployments",
                "/deployments/{id}/build-log", "/applications/{app}/rollback", "/applications/{app}/restart",
                "/applications/{app}/logs", "/applications/{app}/env",
                "/applications/{app}/metrics", "/metrics", "/applications/{app}/alerts", "/events", "/applications/{app}/hooks",
                "/applications/{app}/hooks/{id}", "/applications/{app}/export", "/applications/{app}/upgrade");
    }
}
