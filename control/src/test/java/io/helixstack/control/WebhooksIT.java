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
 * Forge webhooks end to end over real PostgreSQL, the real build service (JGit clones of a local repository) and the
 * in-memory runtime and delivery fakes: payloads shaped like each forge's documented examples, signed with the linked
 * application's secret, deploy production at the pushed commit; anything unsigned, duplicated or off-branch does not.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhooksIT {
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

    @Test
    void linkingShowsTheGeneratedSecretOnceAndNeverAgain() throws Exception {
        client.json("POST", "/applications", "{\"name\":\"linked\"}");
        assertThat(client.json("GET", "/applications/linked/repository", null).statusCode()).isEqualTo(404);
        HttpResponse<String> r = client.json("PUT", "/applications/linked/repository",
                "{\"git_repository\":\"https://github.com/acme/linked.git\",\"git_branch\":\"trunk\",\"access_token\":\"" + TOKEN + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode linked = JSON.readTree(r.body());
        String secret = linked.get("webhook_secret").asText();
        secretsHandedOut.add(secret);
        assertThat(secret).matches("[0-9a-f]{64}");
        assertThat(linked.get("git_branch").asText()).isEqualTo("trunk");
        assertThat(linked.get("access_token_set").asBoolean()).isTrue();
        assertThat(r.body()).doesNotContain(TOKEN);

        HttpResponse<String> shown = client.json("GET", "/applications/linked/repository", null);
        assertThat(shown.statusCode()).isEqualTo(200);
        JsonNode view = JSON.readTree(shown.body());
        assertThat(view.has("webhook_secret")).isFalse();
        assertThat(view.get("webhook_secret_set").asBoolean()).isTrue();
        assertThat(view.get("webhook_urls").get("github").asText()).isEqualTo("http://127.0.0.1:" + api.port() + "/webhooks/github");
        assertThat(view.get("webhook_urls").get("gitlab").asText()).endsWith("/webhooks/gitlab");
        assertThat(view.get("webhook_urls").get("bitbucket").asText()).endsWith("/webhooks/bitbucket");
        assertThat(shown.body()).doesNotContain(secret).doesNotContain(TOKEN);
        assertThat(JSON.readTree(client.json("GET", "/applications/linked", null).body()).get("git_repository").asText())
                .isEqualTo("https://github.com/acme/linked.git");

        // Re-linking without a secret keeps the configured one (no new secret shown); "" removes the token.
        HttpResponse<String> again = client.json("PUT", "/applications/linked/repository",
                "{\"git_repository\":\"git@github.com:acme/linked.git\",\"access_token\":\"\"}");
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(JSON.readTree(again.body()).has("webhook_secret")).isFalse();
        assertThat(JSON.readTree(again.body()).get("access_token_set").asBoolean()).isFalse();
        assertThat(store.webhooks().linkedTo(List.of("github.com/acme/linked")).getFirst().webhookSecret()).isEqualTo(secret);

        assertThat(client.json("PUT", "/applications/linked/repository", "{\"git_repository\":\"--upload-pack=evil\"}").statusCode()).isEqualTo(400);
        assertThat(client.json("PUT", "/applications/linked/repository", "{\"git_branch\":\"main\"}").body()).contains("git_repository: missing");
        assertThat(client.json("PUT", "/applications/linked/repository", "{\"git_repository\":\"https://u:pw@github.com/a/b.git\"}").body())
                .contains("access_token");
        assertThat(client.json("PUT", "/applications/linked/repository",
                "{\"git_repository\":\"https://github.com/a/b.git\",\"webhook_secret\":\"short\"}").body()).contains("expected: 16 to 256");
        assertThat(client.json("PUT", "/applications/linked/repository",
                "{\"git_repository\":\"https://github.com/a/b.git\",\"git_branch\":\"--evil\"}").statusCode()).isEqualTo(400);
        assertThat(client.send("PUT", "/applications/linked/repository", "{}".getBytes(StandardCharsets.UTF_8), List.of(), false).statusCode())
                .as("linking needs the API token").isEqualTo(401);
    }

    @Test
    void gitHubPushToTheBranchDeploysProductionAtThePushedSha() throws Exception {
        Linked l = link("gh-app", null);
        String first = commit(l.dir(), "fake-serve github v1");
        String second = commit(l.dir(), "fake-serve github v2");
        // The delivery names the first commit although the branch has moved on: exactly that commit is deployed.
        String body = ForgePayloads.githubPush(l.url(), "refs/heads/main", ForgePayloads.ZERO_SHA, first, false);
        HttpResponse<String> r = client.github(body, "push", "72d3162e-cc78-11e3-81ab-4c9367dc0958", l.secret());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        JsonNode answer = JSON.readTree(r.body());
        assertThat(answer.get("outcome").asText()).isEqualTo("deployed");
        String deploymentId = answer.get("applications").get(0).get("deployment_id").asText();
        JsonNode live = awaitLive(deploymentId);
        assertThat(live.get("source").get("sha").asText()).isEqualTo(first).isNotEqualTo(second);
        assertThat(live.get("label").asText()).isEqualTo("main/1");
        assertThat(live.get("trigger").asText()).isEqualTo("git");
        assertThat(servedBody("gh-app")).isEqualTo("github v1");

        JsonNode deliveries = JSON.readTree(client.json("GET", "/applications/gh-app/webhook-deliveries", null).body());
        assertThat(deliveries).hasSize(1);
        assertThat(deliveries.get(0).get("forge").asText()).isEqualTo("github");
        assertThat(deliveries.get(0).get("event").asText()).isEqualTo("push");
        assertThat(deliveries.get(0).get("delivery_id").asText()).isEqualTo("72d3162e-cc78-11e3-81ab-4c9367dc0958");
        assertThat(deliveries.get(0).get("outcome").asText()).isEqualTo("deployed");
        assertThat(deliveries.get(0).get("deployment_id").asText()).isEqualTo(deploymentId);

        // Ping answers 200; a pull request into another branch is ignored; a push elsewhere or a deletion is ignored.
        HttpResponse<String> ping = client.github(ForgePayloads.githubPing(l.url()), "ping", "ping-1", l.secret());
        assertThat(ping.statusCode()).as(ping.body()).isEqualTo(200);
        assertThat(JSON.readTree(ping.body()).get("outcome").asText()).isEqualTo("pong");
        HttpResponse<String> pr = client.github(ForgePayloads.githubPullRequest(l.url(), second).replace("\"ref\": \"main\"",
                "\"ref\": \"release\""), "pull_request", "pr-1", l.secret());
        assertThat(pr.statusCode()).isEqualTo(202);
        assertThat(JSON.readTree(pr.body()).get("reason").asText()).contains("targets release", "expected: main");
        HttpResponse<String> feature = client.github(ForgePayloads.githubPush(l.url(), "refs/heads/feature", first, second, false), "push",
                "feature-1", l.secret());
        assertThat(feature.statusCode()).isEqualTo(202);
        assertThat(JSON.readTree(feature.body()).get("outcome").asText()).isEqualTo("ignored");
        assertThat(JSON.readTree(feature.body()).get("reason").asText()).contains("refs/heads/feature").contains("expected: refs/heads/main");
        HttpResponse<String> tag = client.github(ForgePayloads.githubPush(l.url(), "refs/tags/v1", ForgePayloads.ZERO_SHA, second, false), "push",
                "tag-1", l.secret());
        assertThat(JSON.readTree(tag.body()).get("outcome").asText()).isEqualTo("ignored");
        HttpResponse<String> deleted = client.github(ForgePayloads.githubPush(l.url(), "refs/heads/main", second, ForgePayloads.ZERO_SHA, true),
                "push", "delete-1", l.secret());
        assertThat(JSON.readTree(deleted.body()).get("reason").asText()).contains("deleted");

        assertThat(deploymentsOf("gh-app")).hasSize(1);
        JsonNode all = JSON.readTree(client.json("GET", "/applications/gh-app/webhook-deliveries", null).body());
        assertThat(all.findValuesAsText("delivery_id")).containsExactlyInAnyOrder("72d3162e-cc78-11e3-81ab-4c9367dc0958", "ping-1",
                "pr-1", "feature-1", "tag-1", "delete-1");
        assertThat(all.get(0).get("delivery_id").asText()).as("newest first").isEqualTo("delete-1");
    }

    @Test
    void gitLabPushDeploysAndTheTokenMustMatch() throws Exception {
        Linked l = link("gl-app", "gitlab-secret-0123456789abcdef");
        String sha = commit(l.dir(), "fake-serve gitlab");
        String body = ForgePayloads.gitlabPush(l.url(), "refs/heads/main", ForgePayloads.ZERO_SHA, sha);

        assertThat(client.gitlab(body, "Push Hook", "ev-wrong", "gitlab-secret-0123456789abcdeX").statusCode()).isEqualTo(401);
        assertThat(client.gitlab(body, "Push Hook", "ev-none", null).statusCode()).isEqualTo(401);
        assertThat(deploymentsOf("gl-app")).isEmpty();

        HttpResponse<String> r = client.gitlab(body, "Push Hook", "ev-1", l.secret());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        JsonNode live = awaitLive(JSON.readTree(r.body()).get("applications").get(0).get("deployment_id").asText());
        assertThat(live.get("source").get("sha").asText()).isEqualTo(sha);
        assertThat(servedBody("gl-app")).isEqualTo("gitlab");

        HttpResponse<String> mr = client.gitlab(ForgePayloads.gitlabMergeRequest(l.url(), sha), "Merge Request Hook", "ev-2", l.secret());
        assertThat(mr.statusCode()).isEqualTo(202);
        assertThat(JSON.readTree(mr.body()).get("reason").asText()).contains("targets master", "expected: main");
        assertThat(JSON.readTree(client.json("GET", "/applications/gl-app/webhook-deliveries", null).body()).findValuesAsText("outcome"))
                .containsExactly("ignored", "deployed");
    }

    @Test
    void bitbucketPushDeploysAndTheSignatureMustMatch() throws Exception {
        Linked l = link("bb-app", null);
        String sha = commit(l.dir(), "fake-serve bitbucket");
        byte[] body = ForgePayloads.bitbucketPush(l.url(), "main", sha).getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> unsigned = client.bitbucket(body, "repo:push", "req-0", null);
        assertThat(unsigned.statusCode()).isEqualTo(401);
        assertThat(unsigned.headers().firstValue("content-type")).hasValue("application/problem+json");
        assertThat(client.bitbucket(body, "repo:push", "req-0", WebhookSignatures.sign(body, "not-the-secret-at-all"))
                .statusCode()).isEqualTo(401);

        HttpResponse<String> r = client.bitbucket(body, "repo:push", "req-1", WebhookSignatures.sign(body, l.secret()));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        JsonNode live = awaitLive(JSON.readTree(r.body()).get("applications").get(0).get("deployment_id").asText());
        assertThat(live.get("source").get("sha").asText()).isEqualTo(sha);

        byte[] pr = ForgePayloads.bitbucketPullRequest(l.url(), sha).replace("\"name\": \"main\"", "\"name\": \"develop\"")
                .getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> prAnswer = client.bitbucket(pr, "pullrequest:created", "req-2", WebhookSignatures.sign(pr, l.secret()));
        assertThat(JSON.readTree(prAnswer.body()).get("reason").asText()).contains("targets develop");
        byte[] gone = ForgePayloads.bitbucketPush(l.url(), "main", null).getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> deleted = client.bitbucket(gone, "repo:push", "req-3", WebhookSignatures.sign(gone, l.secret()));
        assertThat(JSON.readTree(deleted.body()).get("outcome").asText()).isEqualTo("ignored");
        assertThat(deploymentsOf("bb-app")).hasSize(1);
    }

    @Test
    void gitHubPullRequestsGetIsolatedPreviewsThatFollowTheirCommitsAndGoAwayWhenClosed() throws Exception {
        Linked l = link("gh-preview", null);
        String mainSha = commit(l.dir(), "fake-serve production");
        client.json("PATCH", "/applications/gh-preview/env", "{\"set\":{\"DATABASE_PASSWORD\":\"production-only-secret\"}}");
        HttpResponse<String> previewEnv = client.json("PATCH", "/applications/gh-preview/env?environment=preview",
                "{\"set\":{\"API_URL\":\"https://staging.example.com\"}}");
        assertThat(previewEnv.statusCode()).as(previewEnv.body()).isEqualTo(200);
        assertThat(client.json("GET", "/applications/gh-preview/env?environment=staging", null).statusCode()).isEqualTo(400);
        String prod = deployedId(client.github(ForgePayloads.githubPush(l.url(), "refs/heads/main", ForgePayloads.ZERO_SHA, mainSha, false),
                "push", "push-1", l.secret()));
        awaitLive(prod);

        String v1 = commit(l.dir(), "fake-serve preview v1");
        HttpResponse<String> opened = client.github(ForgePayloads.githubPullRequest(l.url(), "opened", 7, v1, false), "pull_request",
                "pr7-opened", l.secret());
        assertThat(opened.statusCode()).as(opened.body()).isEqualTo(202);
        JsonNode first = awaitLive(deployedId(opened));
        assertThat(first.get("label").asText()).isEqualTo("preview/7");
        assertThat(first.get("environment").asText()).isEqualTo("preview/7");
        assertThat(first.get("environment_url").asText()).isEqualTo("http://pr-7.gh-preview.localhost:8080");
        assertThat(first.get("source").get("sha").asText()).isEqualTo(v1);
        io.helixstack.plugin.api.Instance previewInstance = fixture.orchestrator.instancesOf(UUID.fromString(first.get("id").asText())).getFirst();
        assertThat(runtime.environmentOf(previewInstance)).containsEntry("API_URL", "https://staging.example.com")
                .as("production secrets never reach a preview").doesNotContainKey("DATABASE_PASSWORD");
        assertThat(routedDeployment("pr-7.gh-preview.localhost")).isEqualTo(first.get("id").asText());
        assertThat(routedDeployment("gh-preview.localhost")).as("production untouched").isEqualTo(prod);
        assertThat(eventTypes(first.get("id").asText()))
                .contains("deployment.preview.requested");
        assertThat(eventTypes(prod)).contains("deployment.production.requested");

        // A newer commit supersedes the older preview; the same commit again changes nothing.
        String v2 = commit(l.dir(), "fake-serve preview v2");
        JsonNode second = awaitLive(deployedId(client.github(ForgePayloads.githubPullRequest(l.url(), "synchronize", 7, v2, false),
                "pull_request", "pr7-sync", l.secret())));
        assertThat(second.get("label").asText()).isEqualTo("preview/7");
        assertThat(deployment(first.get("id").asText()).get("state").asText()).isEqualTo("superseded");
        assertThat(routedDeployment("pr-7.gh-preview.localhost")).isEqualTo(second.get("id").asText());
        HttpResponse<String> again = client.github(ForgePayloads.githubPullRequest(l.url(), "synchronize", 7, v2, false), "pull_request",
                "pr7-sync-again", l.secret());
        assertThat(JSON.readTree(again.body()).get("reason").asText()).contains("already has commit");

        // Preview rollback: the PR's previous build again, without a build.
        HttpResponse<String> rolled = client.json("POST", "/applications/gh-preview/rollback", "{\"environment\":\"pr-7\"}");
        assertThat(rolled.statusCode()).as(rolled.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> first.get("id").asText().equals(routedDeployment("pr-7.gh-preview.localhost")));
        assertThat(eventTypes(first.get("id").asText())).contains("deployment.rolled_back");
        assertThat(routedDeployment("gh-preview.localhost")).as("production untouched by a preview rollback").isEqualTo(prod);

        // Merged: the preview goes away, its history stays; production serves on.
        HttpResponse<String> closed = client.github(ForgePayloads.githubPullRequest(l.url(), "closed", 7, v2, true), "pull_request",
                "pr7-closed", l.secret());
        assertThat(closed.statusCode()).as(closed.body()).isEqualTo(202);
        assertThat(JSON.readTree(closed.body()).get("outcome").asText()).isEqualTo("removed");
        assertThat(routedDeployment("pr-7.gh-preview.localhost")).isNull();
        assertThat(routedDeployment("gh-preview.localhost")).isEqualTo(prod);
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.status(previewInstance) == io.helixstack.plugin.api.InstanceStatus.STOPPED);
        JsonNode history = deploymentsOf("gh-preview");
        assertThat(history.findValuesAsText("label")).containsExactlyInAnyOrder("main/1", "preview/7", "preview/7");
        assertThat(deployment(first.get("id").asText()).get("failure_reason").asText()).contains("pull request #7 was merged");
        assertThat(eventTypes(first.get("id").asText())).contains("preview.removed");
        HttpResponse<String> closedAgain = client.github(ForgePayloads.githubPullRequest(l.url(), "closed", 7, v2, true), "pull_request",
                "pr7-closed-again", l.secret());
        assertThat(JSON.readTree(closedAgain.body()).get("outcome").asText()).isEqualTo("ignored");
    }

    @Test
    void gitLabMergeRequestsAndBitbucketPullRequestsGetPreviewsToo() throws Exception {
        Linked gl = link("gl-preview", "gitlab-preview-secret-0123456789");
        String glSha = commit(gl.dir(), "fake-serve gitlab preview");
        HttpResponse<String> mr = client.gitlab(ForgePayloads.gitlabMergeRequest(gl.url(), "open", 3, glSha, "main"), "Merge Request Hook",
                "mr3-open", gl.secret());
        assertThat(mr.statusCode()).as(mr.body()).isEqualTo(202);
        JsonNode glPreview = awaitLive(deployedId(mr));
        assertThat(glPreview.get("environment_url").asText()).isEqualTo("http://pr-3.gl-preview.localhost:8080");
        assertThat(routedDeployment("pr-3.gl-preview.localhost")).isEqualTo(glPreview.get("id").asText());
        HttpResponse<String> merged = client.gitlab(ForgePayloads.gitlabMergeRequest(gl.url(), "merge", 3, glSha, "main"),
                "Merge Request Hook", "mr3-merge", gl.secret());
        assertThat(JSON.readTree(merged.body()).get("outcome").asText()).isEqualTo("removed");
        assertThat(routedDeployment("pr-3.gl-preview.localhost")).isNull();

        Linked bb = link("bb-preview", null);
        String bbSha = commit(bb.dir(), "fake-serve bitbucket preview");
        // Bitbucket sends the head commit abbreviated to 12 hex digits.
        byte[] created = ForgePayloads.bitbucketPullRequest(bb.url(), 4, bbSha.substring(0, 12)).getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> pr = client.bitbucket(created, "pullrequest:created", "bb4-created", WebhookSignatures.sign(created, bb.secret()));
        assertThat(pr.statusCode()).as(pr.body()).isEqualTo(202);
        JsonNode bbPreview = awaitLive(deployedId(pr));
        assertThat(bbPreview.get("source").get("sha").asText()).as("resolved to the full sha").isEqualTo(bbSha);
        assertThat(routedDeployment("pr-4.bb-preview.localhost")).isEqualTo(bbPreview.get("id").asText());
        byte[] declined = ForgePayloads.bitbucketPullRequest(bb.url(), 4, bbSha.substring(0, 12)).getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> rejected = client.bitbucket(declined, "pullrequest:rejected", "bb4-rejected",
                WebhookSignatures.sign(declined, bb.secret()));
        assertThat(JSON.readTree(rejected.body()).get("outcome").asText()).isEqualTo("removed");
        assertThat(routedDeployment("pr-4.bb-preview.localhost")).isNull();

        byte[] unsigned = ForgePayloads.bitbucketPullRequest(bb.url(), 5, bbSha).getBytes(StandardCharsets.UTF_8);
        assertThat(client.bitbucket(unsigned, "pullrequest:created", "bb5", WebhookSignatures.sign(unsigned, "wrong-secret-entirely"))
                .statusCode()).isEqualTo(401);
        assertThat(deploymentsOf("bb-preview").findValuesAsText("label")).containsExactly("preview/4");
    }

    private List<String> eventTypes(String deploymentId) {
        return store.jdbi().withHandle(h -> h.createQuery("select type from events where deployment_id = cast(:d as uuid) order by id")
                .bind("d", deploymentId).mapTo(String.class).list());
    }

    /** The deployment id the proxy's route for {@code host} (with the public port) points at, or null. */
    private String routedDeployment(String host) {
        return delivery.routes().find(host + ":8080").or(() -> delivery.routes().find(host))
                .map(r -> r.deploymentId().toString()).orElse(null);
    }

    private static String deployedId(HttpResponse<String> answer) throws Exception {
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.get("outcome").asText()).as(answer.body()).isEqualTo("deployed");
        return body.get("applications").get(0).get("deployment_id").asText();
    }

    @Test
    void deploymentsAreReportedToTheForgeAsCommitStatuses() throws Exception {
        // A stand-in for GitHub's API that records the calls it receives.
        List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer forgeApi = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        forgeApi.createContext("/", exchange -> {
            try (exchange) {
                JsonNode body = JSON.readTree(exchange.getRequestBody());
                calls.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " "
                        + exchange.getRequestHeaders().getFirst("Authorization") + " " + body.path("state").asText() + " "
                        + body.path("context").asText() + " " + body.path("target_url").asText("-"));
                exchange.sendResponseHeaders(201, -1);
            }
        });
        forgeApi.start();
        ForgeStatusReporter reporter = new ForgeStatusReporter(store, fixture.config,
                List.of(new ForgeStatusReporter.Forge("github", "https://api.github.com", io.helixstack.source.GitHubStatuses::new)));
        try (var subscription = reporter.subscribe(fixture.bus)) {
            Path dir = Files.createDirectories(tmp.resolve("mirror/acme/statuses.git"));
            Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call().close();
            client.json("POST", "/applications", "{\"name\":\"reported\"}");
            String apiBase = "http://127.0.0.1:" + forgeApi.getAddress().getPort();
            HttpResponse<String> linked = client.json("PUT", "/applications/reported/repository", "{\"git_repository\":\""
                    + dir.toUri() + "\",\"access_token\":\"ghp_statuses_token_0123456789\",\"forge\":\"github\","
                    + "\"status_api_url\":\"" + apiBase + "\"}");
            assertThat(linked.statusCode()).as(linked.body()).isEqualTo(200);
            assertThat(JSON.readTree(linked.body()).get("forge").asText()).isEqualTo("github");
            String secret = JSON.readTree(linked.body()).get("webhook_secret").asText();
            secretsHandedOut.add(secret);
            assertThat(client.json("PUT", "/applications/reported/repository", "{\"git_repository\":\"" + dir.toUri()
                    + "\",\"forge\":\"sourcehut\"}").statusCode()).isEqualTo(400);

            String good = commit(dir, "fake-serve reported");
            awaitLive(deployedId(client.github(ForgePayloads.githubPush(dir.toUri().toString(), "refs/heads/main",
                    ForgePayloads.ZERO_SHA, good, false), "push", "status-push-1", secret)));
            await().atMost(Duration.ofSeconds(15)).until(() -> calls.stream().anyMatch(c -> c.contains(" success ")));
            String path = "/repos/acme/statuses/statuses/" + good;
            assertThat(calls).containsSubsequence(
                    "POST " + path + " Bearer ghp_statuses_token_0123456789 pending helixstack/production -",
                    "POST " + path + " Bearer ghp_statuses_token_0123456789 success helixstack/production http://reported.localhost:8080");

            String preview = commit(dir, "fake-serve reported preview");
            awaitLive(deployedId(client.github(ForgePayloads.githubPullRequest(dir.toUri().toString(), "opened", 9, preview, false),
                    "pull_request", "status-pr-9", secret)));
            await().atMost(Duration.ofSeconds(15)).until(() -> calls.contains("POST /repos/acme/statuses/statuses/" + preview
                    + " Bearer ghp_statuses_token_0123456789 success helixstack/preview http://pr-9.reported.localhost:8080"));

            String broken = commit(dir, "fake-unhealthy");
            client.github(ForgePayloads.githubPush(dir.toUri().toString(), "refs/heads/main", good, broken, false), "push",
                    "status-push-2", secret);
            await().atMost(Duration.ofSeconds(20)).until(() -> calls.stream().anyMatch(c -> c.startsWith("POST /repos/acme/statuses/statuses/"
                    + broken) && c.contains(" failure helixstack/production ")));
        } finally {
            forgeApi.stop(0);
        }
    }

    @Test
    void unsignedOrWronglySignedDeliveriesChangeNothing() throws Exception {
        Linked l = link("unsigned-app", null);
        String sha = commit(l.dir(), "fake-serve nope");
        String body = ForgePayloads.githubPush(l.url(), "refs/heads/main", ForgePayloads.ZERO_SHA, sha, false);
        HttpResponse<String> none = client.send("POST", "/webhooks/github", body.getBytes(StandardCharsets.UTF_8),
                List.of("X-GitHub-Event", "push", "X-GitHub-Delivery", "u-1"), false);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(none.body()).get("detail").asText()).contains("X-Hub-Signature-256").contains("expected");
        assertThat(client.github(body, "push", "u-2", "wrong-secret-wrong-secret").statusCode()).isEqualTo(401);
        // Signed over other bytes: the same JSON with a space added no longer verifies.
        String signedOther = WebhookSignatures.sign((body + " ").getBytes(StandardCharsets.UTF_8), l.secret());
        assertThat(client.send("POST", "/webhooks/github", body.getBytes(StandardCharsets.UTF_8),
                List.of("X-GitHub-Event", "push", "X-GitHub-Delivery", "u-3", "X-Hub-Signature-256", signedOther), false).statusCode())
                .isEqualTo(401);
        // Even with a valid API token: webhooks are authenticated by signature only.
        assertThat(client.send("POST", "/webhooks/github", body.getBytes(StandardCharsets.UTF_8),
                List.of("X-GitHub-Event", "push", "X-GitHub-Delivery", "u-4"), true).statusCode()).isEqualTo(401);
        assertThat(deploymentsOf("unsigned-app")).isEmpty();
        assertThat(JSON.readTree(client.json("GET", "/applications/unsigned-app/webhook-deliveries", null).body())).isEmpty();
        // Nothing was recorded as handled: the genuine delivery with a refused id is still handled.
        HttpResponse<String> genuine = client.github(body, "push", "u-1", l.secret());
        assertThat(JSON.readTree(genuine.body()).get("outcome").asText()).isEqualTo("deployed");
    }

    @Test
    void onlyTheApplicationWhoseSecretVerifiesDeploys() throws Exception {
        Linked a = link("shared-a", null);
        String sha = commit(a.dir(), "fake-serve shared");
        // The same repository spelled without the trailing slash and with .git: one repository, two applications.
        String otherSpelling = a.url().replaceAll("/$", "") + ".git";
        assertThat(client.json("POST", "/applications", "{\"name\":\"shared-b\"}").statusCode()).isEqualTo(201);
        HttpResponse<String> linkB = client.json("PUT", "/applications/shared-b/repository", "{\"git_repository\":\"" + otherSpelling + "\"}");
        String secretB = JSON.readTree(linkB.body()).get("webhook_secret").asText();
        secretsHandedOut.add(secretB);

        HttpResponse<String> r = client.github(ForgePayloads.githubPush(a.url(), "refs/heads/main", ForgePayloads.ZERO_SHA, sha, false), "push",
                "shared-1", secretB);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        assertThat(JSON.readTree(r.body()).get("applications").findValuesAsText("application")).containsExactly("shared-b");
        assertThat(deploymentsOf("shared-a")).isEmpty();
        assertThat(deploymentsOf("shared-b")).hasSize(1);
        assertThat(JSON.readTree(client.json("GET", "/applications/shared-a/webhook-deliveries", null).body())).isEmpty();
    }

    @Test
    void theSameDeliveryTwiceIsHandledOnce() throws Exception {
        Linked l = link("dupe-app", null);
        String sha = commit(l.dir(), "fake-serve once");
        String body = ForgePayloads.githubPush(l.url(), "refs/heads/main", ForgePayloads.ZERO_SHA, sha, false);
        HttpResponse<String> first = client.github(body, "push", "same-delivery", l.secret());
        HttpResponse<String> second = client.github(body, "push", "same-delivery", l.secret());
        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(second.body()).get("outcome").asText()).isEqualTo("duplicate");
        awaitLive(JSON.readTree(first.body()).get("applications").get(0).get("deployment_id").asText());
        assertThat(deploymentsOf("dupe-app")).hasSize(1);
        assertThat(JSON.readTree(client.json("GET", "/applications/dupe-app/webhook-deliveries", null).body())).hasSize(1);
    }

    @Test
    void unknownRepositoriesAndBadRequestsAreAnsweredWithoutEffect() throws Exception {
        String body = ForgePayloads.githubPush("https://github.com/nobody/unknown.git", "refs/heads/main", ForgePayloads.ZERO_SHA,
                "a10867b14bb761a232cd80139fbd4c0d33264240", false);
        HttpResponse<String> unknown = client.github(body, "push", "unknown-1", "whatever-secret-123456");
        assertThat(unknown.statusCode()).isEqualTo(202);
        assertThat(JSON.readTree(unknown.body()).get("outcome").asText()).isEqualTo("ignored");
        assertThat(JSON.readTree(unknown.body()).get("reason").asText()).contains("no application is linked");

        HttpResponse<String> malformed = client.send("POST", "/webhooks/gitlab", "{\"ref\":".getBytes(StandardCharsets.UTF_8),
                List.of("X-Gitlab-Event", "Push Hook", "X-Gitlab-Event-UUID", "m-1", "X-Gitlab-Token", "x"), false);
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.body()).contains("malformed JSON");
        HttpResponse<String> noEvent = client.send("POST", "/webhooks/bitbucket", "{}".getBytes(StandardCharsets.UTF_8),
                List.of("X-Request-UUID", "m-2"), false);
        assertThat(noEvent.statusCode()).isEqualTo(400);
        assertThat(noEvent.body()).contains("X-Event-Key: missing");
    }

    @Test
    void secretsNeverAppearInAnyAnswerAfterTheLink() throws Exception {
        Linked l = link("quiet-app", "quiet-secret-0123456789abcdef");
        client.json("PUT", "/applications/quiet-app/repository", "{\"git_repository\":\"" + l.url() + "\",\"access_token\":\"" + TOKEN + "\"}");
        String sha = commit(l.dir(), "fake-serve quiet");
        client.github(ForgePayloads.githubPush(l.url(), "refs/heads/main", ForgePayloads.ZERO_SHA, sha, false), "push", "q-1", l.secret());
        client.github(ForgePayloads.githubPush(l.url(), "refs/heads/main", ForgePayloads.ZERO_SHA, sha, false), "push", "q-2", "bad-secret-bad-secret");
        List<String> answers = new ArrayList<>();
        for (String path : List.of("/applications/quiet-app/repository", "/applications/quiet-app/webhook-deliveries",
                "/applications/quiet-app", "/applications", "/applications/quiet-app/deployments")) {
            answers.add(client.json("GET", path, null).body());
        }
        List<String> secrets = new ArrayList<>(secretsHandedOut);
        secrets.add(l.secret());
        secrets.add(TOKEN);
        for (String answer : answers) {
            for (String secret : secrets) {
                assertThat(answer).doesNotContain(secret);
            }
        }
    }

    @Test
    void openApiListsTheNewRoutes() throws Exception {
        JsonNode doc = JSON.readTree(client.json("GET", "/openapi.json", null).body());
        assertThat(doc.get("paths").fieldNames()).toIterable().contains("/applications/{app}/repository",
                "/applications/{app}/webhook-deliveries", "/webhooks/github", "/webhooks/gitlab", "/webhooks/bitbucket");
    }

    /** A new application linked to a new local repository ({@code file://} URL, branch main); null secret: generated. */
    private Linked link(String app, String secret) throws Exception {
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

    private static String commit(Path dir, String command) throws Exception {
        try (Git git = Git.open(dir.toFile())) {
            Files.writeString(dir.resolve("cmd.txt"), command);
            git.add().addFilepattern("cmd.txt").call();
            return git.commit().setMessage(command).setAuthor("t", "t@example.com").setCommitter("t", "t@example.com").setSign(false)
                    .call().getName();
        }
    }

    private JsonNode awaitLive(String id) throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> List.of("live", "failed").contains(deployment(id).get("state").asText()));
        JsonNode d = deployment(id);
        assertThat(d.get("state").asText()).as(d.toString()).isEqualTo("live");
        return d;
    }

    private JsonNode deployment(String id) throws Exception {
        return JSON.readTree(client.json("GET", "/deployments/" + id, null).body());
    }

    private JsonNode deploymentsOf(String app) throws Exception {
        return JSON.readTree(client.json("GET", "/applications/" + app + "/deployments", null).body());
    }

    private String servedBody(String app) throws Exception {
        UUID live = store.applications().liveDeployment(store.applications().all().stream()
                .filter(a -> a.name().value().equals(app)).findFirst().orElseThrow().id(), "production").orElseThrow();
        io.helixstack.plugin.api.Instance web = fixture.orchestrator.instancesOf(live).getFirst();
        return http.send(HttpRequest.newBuilder(URI.create("http://" + web.endpoint() + "/")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
