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

/** What the control plane tells the outside: alerts, the event stream, notification hooks and exports. */
class ControlApiOutboundIT extends ControlApiSupport {
    @Test
    void alertsFireAndResolveAsSignedWebhooks() throws Exception {
        List<com.sun.net.httpserver.Headers> headers = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<String> bodies = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer receiver = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hook", exchange -> {
            try (exchange) {
                headers.add(exchange.getRequestHeaders());
                bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                exchange.sendResponseHeaders(204, -1);
            }
        });
        receiver.start();
        try {
            json("POST", "/applications", "{\"name\":\"alerting\"}");
            JsonNode live = awaitState(upload("alerting", "fake-serve alerting"), "live");
            String hook = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";

            assertThat(json("PUT", "/applications/alerting/alerts", "{\"webhook_url\":\"ftp://x\"}").body())
                    .contains("webhook_url", "expected");
            assertThat(json("PUT", "/applications/alerting/alerts", "{\"webhook_url\":\"" + hook + "\",\"crash_loop_window\":\"ever\"}")
                    .statusCode()).isEqualTo(400);
            assertThat(json("GET", "/applications/alerting/alerts", null).statusCode()).as("nothing half-created").isEqualTo(404);
            HttpResponse<String> put = json("PUT", "/applications/alerting/alerts", "{\"webhook_url\":\"" + hook + "\","
                    + "\"crash_loop_restarts\":2,\"crash_loop_window\":\"3s\",\"error_rate_percent\":50,\"error_rate_min_requests\":4}");
            assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
            String secret = JSON.readTree(put.body()).get("secret").asText();
            assertThat(secret).hasSize(64);
            assertThat(json("GET", "/applications/alerting/alerts", null).body()).doesNotContain(secret);

            // Two crashes of the live instance within the window: a crash loop.
            Instance instance = fixture.orchestrator.instancesOf(UUID.fromString(live.get("id").asText())).get(0);
            fixture.sampler.sample();
            runtime.crash(instance);
            runtime.crash(instance);
            fixture.sampler.sample();
            await().atMost(Duration.ofSeconds(10)).until(() -> bodies.stream().anyMatch(b -> b.contains("crash_loop")));
            int fired = bodies.size() - 1;
            assertThat(headers.get(fired).getFirst("X-Helix-Event")).isEqualTo("alert.fired");
            assertThat(WebhookSignatures.hmacSha256(bodies.get(fired).getBytes(StandardCharsets.UTF_8),
                    headers.get(fired).getFirst("X-Helix-Signature-256"), secret)).as("signed with the rule's secret").isTrue();
            assertThat(JSON.readTree(bodies.get(fired)).get("app").asText()).isEqualTo("alerting");

            // Mostly 5xx answers: an error-rate alert.
            String shortId = live.get("id").asText().substring(0, 8);
            Timer failed = Timer.builder(MetricsApi.REQUESTS).tags("app", "alerting", "deployment", shortId, "status", "5xx")
                    .publishPercentileHistogram().register(metrics);
            for (int i = 0; i < 5; i++) {
                failed.record(Duration.ofMillis(2));
            }
            fixture.sampler.sample();
            await().atMost(Duration.ofSeconds(10)).until(() -> bodies.stream().anyMatch(b -> b.contains("error_rate")));

            // Once the window passes without restarts, the crash loop resolves.
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500)).until(() -> {
                fixture.sampler.sample();
                return headers.stream().anyMatch(h -> "alert.resolved".equals(h.getFirst("X-Helix-Event")));
            });
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                JsonNode alerts = JSON.readTree(json("GET", "/applications/alerting/alerts", null).body()).get("alerts");
                assertThat(alerts.findValuesAsText("kind")).contains("crash_loop", "error_rate");
                assertThat(alerts.findValuesAsText("notified")).containsOnly("delivered");
            });
            assertThat(JSON.readTree(json("GET", "/applications/alerting/logs?limit=500", null).body()).toString())
                    .contains("alert crash_loop: ");
            assertThat(send("DELETE", "/applications/alerting/alerts", null, null, token).statusCode()).isEqualTo(204);
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void eventsOfTheTeamArePagedAndStreamedLive() throws Exception {
        json("POST", "/applications", "{\"name\":\"evented\"}");
        List<String> streamed = new java.util.concurrent.CopyOnWriteArrayList<>();
        HttpResponse<java.util.stream.Stream<String>> stream = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + api.port() + "/events?app=evented&follow=1"))
                .header("authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("content-type").orElseThrow()).startsWith("text/event-stream");
        Thread reader = Thread.ofVirtual().start(() -> stream.body().forEach(streamed::add));
        try {
            JsonNode live = awaitState(upload("evented", "fake-serve evented"), "live");
            await().atMost(Duration.ofSeconds(10)).until(() -> streamed.contains("event:deploy.promoted"));
            assertThat(streamed).filteredOn(l -> l.startsWith("event:")).containsSubsequence("event:deployment.production.requested",
                    "event:deployment.built", "event:deploy.promoted", "event:deployment.succeeded");
            assertThat(streamed).anyMatch(l -> l.startsWith("id:"));
            assertThat(streamed).filteredOn(l -> l.startsWith("data:")).allMatch(l -> l.contains("\"app\":\"evented\""));

            JsonNode page = JSON.readTree(json("GET", "/events?app=evented", null).body()).get("events");
            assertThat(page.findValuesAsText("type")).containsSubsequence("deployment.production.requested", "deploy.promoted");
            assertThat(page.get(0).get("deployment_id").asText()).isEqualTo(live.get("id").asText());
            assertThat(page.get(0).get("environment").asText()).isEqualTo("production");
            long firstId = page.get(0).get("id").asLong();
            JsonNode rest = JSON.readTree(json("GET", "/events?app=evented&after=" + firstId, null).body()).get("events");
            assertThat(rest.size()).isEqualTo(page.size() - 1);
            assertThat(json("GET", "/events?app=nope", null).statusCode()).isEqualTo(404);
            assertThat(send("GET", "/events", null, null, null).statusCode()).isEqualTo(401);
        } finally {
            reader.interrupt();
            stream.body().close();
        }
    }

    @Test
    void deploymentEventsReachTheNotificationHooksSigned() throws Exception {
        List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<String> verified = new java.util.concurrent.CopyOnWriteArrayList<>();
        String[] secret = {null};
        java.util.concurrent.atomic.AtomicInteger refuseNext = new java.util.concurrent.atomic.AtomicInteger(1);
        com.sun.net.httpserver.HttpServer receiver = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/deploys", exchange -> {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                String event = exchange.getRequestHeaders().getFirst("X-Helix-Event");
                if (event.equals("deploy.promoted") && refuseNext.getAndDecrement() > 0) {
                    exchange.sendResponseHeaders(503, -1); // the first promotion is refused: the bus must try again
                    return;
                }
                events.add(event + " " + JSON.readTree(body).get("deployment").get("label").asText());
                if (secret[0] != null && WebhookSignatures.hmacSha256(body, exchange.getRequestHeaders().getFirst("X-Helix-Signature-256"),
                        secret[0])) {
                    verified.add(event);
                }
                exchange.sendResponseHeaders(204, -1);
            }
        });
        receiver.start();
        try (var subscription = new DeployNotifier(store, fixture.config).subscribe(fixture.bus)) {
            json("POST", "/applications", "{\"name\":\"notified\"}");
            String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/deploys";
            assertThat(json("POST", "/applications/notified/hooks", "{\"url\":\"" + url + "\",\"events\":[\"deploy.exploded\"]}")
                    .body()).contains("events", "expected");
            assertThat(json("POST", "/applications/notified/hooks", "{\"url\":\"javascript:alert(1)\"}").statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(json("GET", "/applications/notified/hooks", null).body())).as("nothing half-created").isEmpty();
            HttpResponse<String> created = json("POST", "/applications/notified/hooks", "{\"url\":\"" + url + "\"}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            JsonNode hook = JSON.readTree(created.body());
            secret[0] = hook.get("secret").asText();
            assertThat(hook.get("events").toString()).contains("deploy.promoted", "deployment.failed", "deployment.rolled_back");

            awaitState(upload("notified", "fake-serve n1"), "live");
            awaitState(upload("notified", "fake-serve n2"), "live");
            awaitState(upload("notified", "fake-unhealthy"), "failed");
            HttpResponse<String> rollback = json("POST", "/applications/notified/rollback", "{}");
            assertThat(rollback.statusCode()).as(rollback.body()).isEqualTo(202);

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(events).contains("deploy.promoted main/1",
                    "deploy.promoted main/2", "deployment.failed main/3", "deployment.rolled_back main/1"));
            assertThat(verified).as("every delivery signed with the hook's secret").hasSameSizeAs(events);
            JsonNode listed = JSON.readTree(json("GET", "/applications/notified/hooks", null).body()).get(0);
            assertThat(listed.has("secret")).isFalse();
            assertThat(listed.get("last_outcome").asText()).isEqualTo("delivered");
            assertThat(send("DELETE", "/applications/notified/hooks/" + hook.get("id").asText(), null, null, token).statusCode())
                    .isEqualTo(204);
            assertThat(send("DELETE", "/applications/notified/hooks/" + hook.get("id").asText(), null, null, token).statusCode())
                    .isEqualTo(404);
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void theLiveDeploymentExportsToComposeAndKubernetesWithASignedArtifactUrl() throws Exception {
        json("POST", "/applications", "{\"name\":\"exported\"}");
        assertThat(json("GET", "/applications/exported/export?format=compose", null).statusCode()).as("nothing live").isEqualTo(409);
        awaitState(upload("exported", "fake-serve exported"), "live");
        assertThat(json("GET", "/applications/exported/export?format=helm", null).body()).contains("expected: compose or k8s");

        HttpResponse<String> compose = json("GET", "/applications/exported/export?format=compose", null);
        assertThat(compose.statusCode()).as(compose.body()).isEqualTo(200);
        assertThat(compose.body()).contains("helix-artifact", "web:", "fake-serve exported", "PORT");
        java.util.regex.Matcher m = Pattern.compile("(http://[^\\s\"']+/artifacts/[0-9a-f]{64}\\.tar\\.gz\\?expires=\\d+&signature=[0-9a-f]+)")
                .matcher(compose.body());
        assertThat(m.find()).as(compose.body()).isTrue();
        String url = m.group(1);

        // The URL needs no token; a tampered signature or a changed expiry is refused.
        HttpResponse<byte[]> tarball = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(tarball.statusCode()).isEqualTo(200);
        java.util.List<String> names = new java.util.ArrayList<>();
        try (var tar = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
                new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(tarball.body())))) {
            for (var e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                names.add(e.getName());
            }
        }
        assertThat(names).contains("cmd.txt");
        String tampered = url.substring(0, url.length() - 1) + (url.endsWith("0") ? "1" : "0");
        assertThat(http.send(HttpRequest.newBuilder(URI.create(tampered)).build(), HttpResponse.BodyHandlers.discarding()).statusCode())
                .isEqualTo(403);
        String later = url.replaceFirst("expires=(\\d+)", "expires=9999999999");
        assertThat(http.send(HttpRequest.newBuilder(URI.create(later)).build(), HttpResponse.BodyHandlers.discarding()).statusCode())
                .isEqualTo(403);

        HttpResponse<String> k8s = json("GET", "/applications/exported/export?format=k8s", null);
        assertThat(k8s.statusCode()).as(k8s.body()).isEqualTo(200);
        assertThat(k8s.body()).contains("kind: \"Deployment\"", "kind: \"Service\"", "kind: \"Ingress\"",
                "namespace: \"helix-exported-production\"");
    }

}
