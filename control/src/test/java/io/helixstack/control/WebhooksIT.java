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
 * Signed deliveries from GitHub, GitLab and Bitbucket, shaped like each forge's documented examples, against local git
 * repositories: pushes deploy production at the pushed commit; unsigned or wrongly signed deliveries change nothing.
 */
class WebhooksIT extends WebhooksSupport {
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
}
