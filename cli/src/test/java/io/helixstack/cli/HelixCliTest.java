package io.helixstack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What every command shares: configuration, exit codes and one-line errors. */
@Timeout(30)
class HelixCliTest {
    @TempDir
    Path temp;

    @Test
    void connectionRefusedSaysWhereAndWhatToDo() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        CliRunner.Result result = new CliRunner(temp).env("HELIX_TOKEN", "t").run("apps", "--api-url", "http://127.0.0.1:" + port);

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.errLines()).containsExactly("helix: cannot reach the HelixStack API at http://127.0.0.1:" + port
                + ": connection refused (is `helix up` running?)");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void noTokenTellsTheUserToStartTheServerOrSetOne() {
        CliRunner.Result result = new CliRunner(temp).env("HELIX_HOME", temp.resolve("home").toString()).run("apps");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.errLines()).containsExactly("helix: no API token: start the server with `helix up` (it writes "
                + temp.resolve("home").resolve("credentials") + ") or set HELIX_TOKEN");
    }

    @Test
    void readsAddressAndTokenFromTheCredentialsFile() throws IOException {
        try (FakeApi api = new FakeApi()) {
            Path home = temp.resolve("home");
            Files.createDirectories(home);
            Files.writeString(home.resolve("credentials"), "api_url=" + api.url() + "\ntoken=" + FakeApi.TOKEN + "\n");

            CliRunner.Result result = new CliRunner(temp).env("HELIX_HOME", home.toString()).run("apps");

            assertThat(result.exitCode()).as(result.err()).isZero();
            assertThat(api.requests).singleElement().extracting(FakeApi.Request::authorization).isEqualTo("Bearer " + FakeApi.TOKEN);
        }
    }

    @Test
    void aRejectedTokenPointsAtWhereTokensComeFrom() throws IOException {
        try (FakeApi api = new FakeApi()) {
            CliRunner.Result result = CliRunner.against(api, temp).env("HELIX_TOKEN", "stale").run("apps");

            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.errLines()).containsExactly("helix: missing or invalid bearer token"
                    + " (check HELIX_TOKEN or the token= line in $HELIX_HOME/credentials)");
        }
    }

    @Test
    void anErrorThatIsNotProblemJsonStillGivesOneLine() throws IOException {
        HttpServer server = HttpServer.create(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = "upstream connect error\nor disconnect/reset before headers".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(502, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            CliRunner.Result result = new CliRunner(temp).env("HELIX_TOKEN", "t")
                    .env("HELIX_API_URL", "http://127.0.0.1:" + server.getAddress().getPort()).run("apps");

            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.errLines()).containsExactly("helix: upstream connect error (HTTP 502)");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aMultiLineDetailIsPrintedOnOneLine() throws IOException {
        try (FakeApi api = new FakeApi()) {
            api.fail("GET", "/applications", 500, "database unavailable:\n  connection reset");

            CliRunner.Result result = CliRunner.against(api, temp).run("apps");

            assertThat(result.errLines()).containsExactly("helix: database unavailable: connection reset");
        }
    }

    @Test
    void usageErrorsAreOneLineAndExit2() {
        CliRunner.Result missingApp = new CliRunner(temp).run("deployments");
        CliRunner.Result unknown = new CliRunner(temp).run("deplyo");
        CliRunner.Result badTimeout = new CliRunner(temp).run("restart", "--app", "x", "--timeout", "soon");

        assertThat(missingApp.exitCode()).isEqualTo(2);
        assertThat(missingApp.errLines()).containsExactly(
                "helix: Missing required option: '--app=NAME' (see 'helix deployments --help')");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.errLines()).singleElement().asString().contains("'deplyo'").contains("did you mean: deploy");
        assertThat(badTimeout.exitCode()).isEqualTo(2);
        assertThat(badTimeout.errLines()).singleElement().asString().contains("(expected: a duration such as 90s, 10m or 1h)");
    }

    @Test
    void helixAloneShowsUsageAsAUsageError() {
        CliRunner.Result result = new CliRunner(temp).run();

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("Usage: helix").contains("deploy").contains("rollback");
    }

    @Test
    void helpIsAvailableForEverySubcommand() {
        for (String command : new String[] {"up", "deploy", "apps", "deployments", "rollback", "restart", "logs", "version"}) {
            CliRunner.Result result = new CliRunner(temp).run(command, "--help");
            assertThat(result.exitCode()).as(command).isZero();
            assertThat(result.out()).as(command).startsWith("Usage: helix " + command);
        }
        assertThat(new CliRunner(temp).run("env", "set", "--help").out()).startsWith("Usage: helix env set");
    }

    @Test
    void versionPrintsTheCliVersionAndParsesAsJson() throws IOException {
        CliRunner.Result human = new CliRunner(temp).run("version");
        JsonNode json = Json.MAPPER.readTree(new CliRunner(temp).run("version", "--json").out());

        assertThat(human.exitCode()).isZero();
        assertThat(human.out()).startsWith("helix " + json.get("version").asText() + " (Java ");
        assertThat(json.get("version").asText()).isNotBlank().doesNotContain("${");
        assertThat(new CliRunner(temp).run("--version").out()).startsWith("helix ");
    }
}
