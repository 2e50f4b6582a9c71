package io.helixstack.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helixstack.plugin.tck.InMemoryDeliveryProvider;
import io.helixstack.plugin.tck.InMemoryRuntimeDriver;
import io.helixstack.store.Store;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the webhook tests share: a control plane over real PostgreSQL with the in-memory runtime and delivery fakes, local
 * git repositories standing in for the forge's, and the calls and waits the tests make.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class WebhooksSupport {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOKEN = "glpat-private-repo-token-0123456789";

    /** A local repository standing in for the forge's, and the application linked to it. */
    record Linked(String app, String url, String secret, Path dir) {
    }

    Path tmp;
    Store store;
    InMemoryRuntimeDriver runtime;
    InMemoryDeliveryProvider delivery;
    ControlPlane api;
    StoreLogSink logs;
    ForgeClient client;
    final List<String> secretsHandedOut = new ArrayList<>();
    final HttpClient http = HttpClient.newHttpClient();

    ControlPlaneFixture fixture;

    @BeforeAll
    void start(@TempDir Path dir) {
        tmp = dir;
        fixture = new ControlPlaneFixture(dir, List.of(new ControlApiIT.CommandFileBuildpack()),
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        store = fixture.store;
        logs = fixture.logs;
        runtime = fixture.runtime;
        delivery = fixture.delivery;
        api = fixture.api;
        client = new ForgeClient(api::port, fixture.token);
    }

    @AfterAll
    void stop() {
        fixture.close();
    }


    List<String> eventTypes(String deploymentId) {
        return store.jdbi().withHandle(h -> h.createQuery("select type from events where deployment_id = cast(:d as uuid) order by id")
                .bind("d", deploymentId).mapTo(String.class).list());
    }

    /** The deployment id the proxy's route for {@code host} (with the public port) points at, or null. */
    String routedDeployment(String host) {
        return delivery.routes().find(host + ":8080").or(() -> delivery.routes().find(host))
                .map(r -> r.deploymentId().toString()).orElse(null);
    }

    static String deployedId(HttpResponse<String> answer) throws Exception {
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.get("outcome").asText()).as(answer.body()).isEqualTo("deployed");
        return body.get("applications").get(0).get("deployment_id").asText();
    }

    Linked link(String app, String secret) throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("repo-" + app));
        Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call().close();
        String url = dir.toUri().toString();
        assertThat(client.json("POST", "/applications", "{\"name\":\"" + app + "\"}").statusCode()).isEqualTo(201);
        String req = "{\"git_repository\":\"" + url + "\",\"git_branch\":\"main\""
                + (secret == null ? "" : ",\"webhook_secret\":\"" + secret + "\"") + "}";
        HttpResponse<String> r = client.json("PUT", "/applications/" + app + "/repository", req);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(r.body());
        String used = secret != null ? secret : answer.get("webhook_secret").asText();
        assertThat(answer.has("webhook_secret")).as("a secret the caller chose is not echoed").isEqualTo(secret == null);
        secretsHandedOut.add(used);
        return new Linked(app, url, used, dir);
    }

    static String commit(Path dir, String command) throws Exception {
        try (Git git = Git.open(dir.toFile())) {
            Files.writeString(dir.resolve("cmd.txt"), command);
            git.add().addFilepattern("cmd.txt").call();
            return git.commit().setMessage(command).setAuthor("t", "t@example.com").setCommitter("t", "t@example.com").setSign(false)
                    .call().getName();
        }
    }

    JsonNode awaitLive(String id) throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> List.of("live", "failed").contains(deployment(id).get("state").asText()));
        JsonNode d = deployment(id);
        assertThat(d.get("state").asText()).as(d.toString()).isEqualTo("live");
        return d;
    }

    JsonNode deployment(String id) throws Exception {
        return JSON.readTree(client.json("GET", "/deployments/" + id, null).body());
    }

    JsonNode deploymentsOf(String app) throws Exception {
        return JSON.readTree(client.json("GET", "/applications/" + app + "/deployments", null).body());
    }

    String servedBody(String app) throws Exception {
        UUID live = store.applications().liveDeployment(store.applications().all().stream()
                .filter(a -> a.name().value().equals(app)).findFirst().orElseThrow().id(), "production").orElseThrow();
        io.helixstack.plugin.api.Instance web = fixture.orchestrator.instancesOf(live).getFirst();
        return http.send(HttpRequest.newBuilder(URI.create("http://" + web.endpoint() + "/")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
