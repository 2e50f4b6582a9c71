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

/** Pull and merge requests get previews on every forge, and deployments are reported back as commit statuses. */
class PreviewsIT extends WebhooksSupport {
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

}
