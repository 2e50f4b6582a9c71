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
class RollbackRestartCommandTest {
    @TempDir
    Path temp;

    private FakeApi api;
    private CliRunner helix;
    private String first;
    private String second;

    @BeforeEach
    void start() throws IOException {
        api = new FakeApi();
        helix = CliRunner.against(api, temp);
        api.addApp("hello");
        first = api.addDeployment("hello", "superseded", 60).json.get("id").asText();
        second = api.addDeployment("hello", "live", 30).json.get("id").asText();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void rollbackToALabelWaitsUntilItIsLiveAgain() {
        CliRunner.Result result = helix.run("rollback", "--app", "hello", "main/1");

        assertThat(result.exitCode()).as(result.err()).isZero();
        FakeApi.Request rollback = api.requests.getFirst();
        assertThat(rollback.target()).isEqualTo("/applications/hello/rollback");
        assertThat(rollback.json().get("deployment").asText()).isEqualTo("main/1");
        assertThat(api.deployment(first).state()).isEqualTo("live");
        assertThat(api.deployment(second).state()).isEqualTo("superseded");
        assertThat(result.outLines()).containsExactly(
                "Rolling back hello to main/1 (" + first.substring(0, 8) + ")…",
                "Deploying…",
                "Rolled back hello to main/1 → http://d-" + first.substring(0, 8) + ".hello.localhost:8080");
    }

    @Test
    void rollbackWithoutADeploymentSendsAnEmptyObject() throws IOException {
        CliRunner.Result result = helix.run("rollback", "--app", "hello", "--json");

        assertThat(result.exitCode()).isZero();
        assertThat(api.requests.getFirst().json().isEmpty()).isTrue();
        assertThat(Json.MAPPER.readTree(result.out()).get("id").asText()).isEqualTo(first);
    }

    @Test
    void rollbackWithNothingToRollBackToIsTheServersOneLine() {
        CliRunner.Result result = helix.run("rollback", "--app", "hello", "main/9");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.errLines()).containsExactly(
                "helix: app \"hello\": no deployment to roll back to (expected: an earlier deployment that was live)");
    }

    @Test
    void aRollbackScopedToARegionWaitsForThatRegionAndLeavesTheOthers() {
        CliRunner.Result result = helix.run("rollback", "--app", "hello", "main/1", "--region", "eu");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(api.requests.getFirst().json().get("regions").toString()).isEqualTo("[\"eu\"]");
        assertThat(api.deployment(second).state()).as("the latest release stays live").isEqualTo("live");
        assertThat(result.outLines()).containsExactly(
                "Rolling eu of hello back to main/1 (" + first.substring(0, 8) + ")…",
                "Rolled eu back to main/1; us serves main/2");
    }

    @Test
    void aFailedRegionalRollbackIsTheServersReason() {
        api.rollbackFailure = "rollback of eu failed: health check failed: web.1 never answered /; those regions keep serving"
                + " what they served";

        CliRunner.Result result = helix.run("rollback", "--app", "hello", "main/1", "--region", "eu");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.errLines()).containsExactly("helix: " + api.rollbackFailure);
    }

    @Test
    void aFailedRollbackIsReportedAlthoughTheServerRestoresTheEarlierState() {
        api.rollbackFailure = "rollback failed: web.1 never answered /healthz";

        CliRunner.Result result = helix.run("rollback", "--app", "hello", "main/1");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(api.deployment(first).state()).isEqualTo("superseded");
        assertThat(result.errLines()).containsExactly("helix: rollback to main/1 failed: rollback failed: web.1 never answered /healthz");
    }

    @Test
    void restartWaitsForTheServerToRecordTheRestart() {
        String before = api.deployment(second).json.get("updated_at").asText();

        CliRunner.Result result = helix.run("restart", "--app", "hello");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(api.targets()).startsWith("POST /applications/hello/restart", "GET /deployments/" + second);
        assertThat(api.deployment(second).json.get("updated_at").asText()).isNotEqualTo(before);
        assertThat(result.outLines()).containsExactly(
                "Restarting hello (main/2)…",
                "Restarted hello: main/2 is live → http://d-" + second.substring(0, 8) + ".hello.localhost:8080");
    }

    @Test
    void aFailedRestartIsReportedAlthoughTheOldInstancesKeepServing() {
        api.restartFailure = "restart failed: web.1 exited with 1; the previous instances keep serving";

        CliRunner.Result result = helix.run("restart", "--app", "hello");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(api.deployment(second).state()).isEqualTo("live");
        assertThat(result.errLines()).containsExactly(
                "helix: restart of main/2 failed: restart failed: web.1 exited with 1; the previous instances keep serving");
    }

    @Test
    void restartJsonIsTheDeployment() throws IOException {
        JsonNode deployment = Json.MAPPER.readTree(helix.run("restart", "--app", "hello", "--json").out());

        assertThat(deployment.get("id").asText()).isEqualTo(second);
    }

    @Test
    void restartWithNothingLiveIsOneLine() throws IOException {
        api.close();
        api = new FakeApi();
        helix = CliRunner.against(api, temp);
        api.addApp("idle");

        CliRunner.Result result = helix.run("restart", "--app", "idle");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.errLines()).containsExactly("helix: app \"idle\": nothing is live to restart (expected: a live deployment)");
    }
}
