package io.helixstack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppsLinkCommandTest {
    @TempDir
    Path temp;

    private FakeApi api;
    private CliRunner helix;

    @BeforeEach
    void start() throws IOException {
        api = new FakeApi();
        helix = CliRunner.against(api, temp);
        api.addApp("hello");
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void linksAndShowsTheWebhookUrlsAndTheGeneratedSecretOnce() {
        ObjectNode link = Json.MAPPER.createObjectNode().put("status", 200).put("application", "hello")
                .put("git_repository", "https://github.com/acme/hello.git").put("git_branch", "main")
                .put("webhook_secret", "generated-secret-123");
        link.putObject("webhook_urls").put("github", "http://127.0.0.1:4000/webhooks/github");
        api.answer("PUT", "/applications/hello/repository", link);

        CliRunner.Result r = helix.run("apps", "link", "--app", "hello", "--repo", "https://github.com/acme/hello.git");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("Linked hello to https://github.com/acme/hello.git (branch main)")
                .contains("github: http://127.0.0.1:4000/webhooks/github").contains("shown only now): generated-secret-123");
        FakeApi.Request sent = api.requests.stream().filter(q -> q.method().equals("PUT")).findFirst().orElseThrow();
        assertThat(sent.json().get("git_repository").asText()).isEqualTo("https://github.com/acme/hello.git");
        assertThat(sent.json().has("webhook_secret")).isFalse();
    }

    @Test
    void serverErrorsAreOneLine() {
        api.fail("PUT", "/applications/hello/repository", 400, "git_repository: \"ftp://x\" (expected: an https:// URL)");
        CliRunner.Result r = helix.run("apps", "link", "--app", "hello", "--repo", "ftp://x");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).contains("expected: an https:// URL");
    }
}
