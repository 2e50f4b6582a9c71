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
 * What the control plane's API tests share: the control plane over real PostgreSQL and the real build service, with the
 * in-memory runtime and delivery fakes, one per test class, and the calls and waits the tests make.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ControlApiSupport {
    /** Builds sources holding a {@code cmd.txt}: its content is the start command the fake runtime interprets. */
    static final class CommandFileBuildpack implements Buildpack {
        @Override
        public String name() {
            return "cmdfile";
        }

        @Override
        public Detection detect(Path appDir) {
            return Files.exists(appDir.resolve("cmd.txt")) ? new Detection.Match("command file") : new Detection.NoMatch();
        }

        @Override
        public StepResult compile(BuildContext ctx) {
            ctx.log().line("-----> nothing to compile");
            return StepResult.ok();
        }

        @Override
        public Release release(BuildContext ctx) {
            try {
                return new Release.Server(Files.readString(ctx.appDir().resolve("cmd.txt")).strip(), java.util.Map.of());
            } catch (IOException e) {
                return new Release.Rejected(e.getMessage());
            }
        }
    }

    static final ObjectMapper JSON = new ObjectMapper();
    Path tmp;
    Store store;
    InMemoryRuntimeDriver runtime;
    InMemoryDeliveryProvider delivery;
    ControlPlane api;
    StoreLogSink logs;
    final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    String token;
    final HttpClient http = HttpClient.newHttpClient();

    ControlPlaneFixture fixture;

    @BeforeAll
    void start(@TempDir Path dir) {
        tmp = dir;
        fixture = new ControlPlaneFixture(dir, List.of(new CommandFileBuildpack(), new io.helixstack.build.StaticBuildpack()), metrics,
                regions());
        store = fixture.store;
        logs = fixture.logs;
        runtime = fixture.runtime;
        delivery = fixture.delivery;
        api = fixture.api;
        token = fixture.token;
    }

    /** The platform's regions in these tests; one by default. */
    List<String> regions() {
        return List.of(RuntimeTargets.DEFAULT_REGION);
    }

    @AfterAll
    void stop() {
        fixture.close();
    }


    String upload(String app, String command) throws Exception {
        HttpResponse<String> r = send("POST", "/applications/" + app + "/deployments", tarGz("cmd.txt", command), "application/gzip", token);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return JSON.readTree(r.body()).get("id").asText();
    }

    JsonNode awaitState(String id, String wanted) {
        await().atMost(Duration.ofSeconds(30)).until(() -> state(id).equals(wanted) || state(id).equals("failed"));
        JsonNode d = readDeployment(id);
        assertThat(d.get("state").asText()).as(d.toString()).isEqualTo(wanted);
        return d;
    }

    String state(String id) {
        return readDeployment(id).get("state").asText();
    }

    JsonNode readDeployment(String id) {
        try {
            return JSON.readTree(json("GET", "/deployments/" + id, null).body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    HttpResponse<String> json(String method, String path, String body) throws IOException, InterruptedException {
        return send(method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8), "application/json", token);
    }

    HttpResponse<String> send(String method, String path, byte[] body, String type, String bearer)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (type != null && body != null) {
            b.header("content-type", type);
        }
        if (bearer != null) {
            b.header("authorization", "Bearer " + bearer);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Incompressible, so the gzip stays over the 64 KiB limit. */
    static String randomText(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return java.util.Base64.getEncoder().encodeToString(b);
    }

    static byte[] tarGz(String name, String content) throws IOException {
        return tarGz(java.util.Map.of(name, content));
    }

    static byte[] tarGz(java.util.Map<String, String> files) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
            for (var file : new java.util.TreeMap<>(files).entrySet()) {
                byte[] data = file.getValue().getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry e = new TarArchiveEntry(file.getKey(), true);
                e.setSize(data.length);
                tar.putArchiveEntry(e);
                tar.write(data);
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }
}
