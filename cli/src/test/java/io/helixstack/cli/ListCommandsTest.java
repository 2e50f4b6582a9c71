package io.helixstack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class ListCommandsTest {
    @TempDir
    Path temp;

    private FakeApi api;
    private CliRunner helix;

    @BeforeEach
    void start() throws IOException {
        api = new FakeApi();
        helix = CliRunner.against(api, temp);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void appsShowsUrlLiveLabelAndNewestState() {
        api.addApp("hello");
        api.addDeployment("hello", "superseded", 90);
        api.addDeployment("hello", "live", 60);
        api.addDeployment("hello", "building", 1);
        api.addApp("empty");

        CliRunner.Result result = helix.run("apps");

        assertThat(result.exitCode()).isZero();
        assertThat(result.outLines()).containsExactly(
                "NAME   URL                          LIVE    STATE",
                "hello  http://hello.localhost:8080  main/2  building",
                "empty  http://empty.localhost:8080  -       no deployments");
    }

    @Test
    void appsWithNoneSaysHowToStart() {
        assertThat(helix.run("apps").out()).isEqualTo("No applications yet: `helix deploy --app NAME` creates one.\n");
    }

    @Test
    void appsJsonIsTheServersArray() throws IOException {
        api.addApp("hello");

        JsonNode apps = Json.MAPPER.readTree(helix.run("apps", "--json").out());

        assertThat(apps.isArray()).isTrue();
        assertThat(apps.get(0).get("url").asText()).isEqualTo("http://hello.localhost:8080");
    }

    @Test
    void deploymentsAreNewestFirstWithTheLiveOneMarked() {
        api.addApp("hello");
        String first = api.addDeployment("hello", "superseded", 3 * 24 * 60).json.get("id").asText();
        String live = api.addDeployment("hello", "live", 90).json.get("id").asText();
        String failed = api.addDeployment("hello", "failed", 5).json.get("id").asText();

        CliRunner.Result result = helix.run("deployments", "--app", "hello");

        assertThat(result.exitCode()).isZero();
        assertThat(result.outLines()).containsExactly(
                "   LABEL   STATE       SOURCE                      AGE  ID        URL",
                "   main/3  failed      upload sha256:abababababab  1h   " + failed.substring(0, 8) + "  http://d-" + failed.substring(0, 8) + ".hello.localhost:8080",
                "*  main/2  live        upload sha256:abababababab  2h   " + live.substring(0, 8) + "  http://d-" + live.substring(0, 8) + ".hello.localhost:8080",
                "   main/1  superseded  upload sha256:abababababab  3d   " + first.substring(0, 8) + "  http://d-" + first.substring(0, 8) + ".hello.localhost:8080");
    }

    @Test
    void deploymentsJsonParses() throws IOException {
        api.addApp("hello");
        api.addDeployment("hello", "live", 1);

        JsonNode deployments = Json.MAPPER.readTree(helix.run("deployments", "--app", "hello", "--json").out());

        assertThat(deployments).hasSize(1);
        assertThat(deployments.get(0).get("state").asText()).isEqualTo("live");
    }

    @Test
    void deploymentsOfAnUnknownAppIsOneLine() {
        CliRunner.Result result = helix.run("deployments", "--app", "nope");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.errLines()).containsExactly("helix: app \"nope\": application \"nope\" not found");
    }
}
