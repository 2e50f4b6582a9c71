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
class EnvCommandTest {
    @TempDir
    Path temp;

    private FakeApi api;
    private CliRunner helix;

    @BeforeEach
    void start() throws IOException {
        api = new FakeApi();
        helix = CliRunner.against(api, temp);
        api.addApp("hello");
        api.setEnv("hello", "PORT", "3000");
        api.setEnv("hello", "DATABASE_URL", "postgres://db/hello");
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void listPrintsSortedKeyValueLines() {
        CliRunner.Result result = helix.run("env", "list", "--app", "hello");

        assertThat(result.exitCode()).isZero();
        assertThat(result.outLines()).containsExactly("DATABASE_URL=postgres://db/hello", "PORT=3000");
    }

    @Test
    void setPatchesAndHintsAtRestart() {
        CliRunner.Result result = helix.run("env", "set", "--app", "hello", "NODE_ENV=production", "GREETING=a=b c", "EMPTY=");

        assertThat(result.exitCode()).isZero();
        FakeApi.Request patch = api.requests.getFirst();
        assertThat(patch.method()).isEqualTo("PATCH");
        assertThat(patch.target()).isEqualTo("/applications/hello/env");
        assertThat(patch.json().get("set").toString()).isEqualTo("{\"NODE_ENV\":\"production\",\"GREETING\":\"a=b c\",\"EMPTY\":\"\"}");
        assertThat(patch.json().has("unset")).isFalse();
        assertThat(result.outLines()).containsExactly(
                "Set NODE_ENV, GREETING, EMPTY on hello.",
                "Run `helix restart --app hello` to apply it (or deploy again).");
    }

    @Test
    void setRejectsABadKeyLocallyWithWhatWasExpected() {
        CliRunner.Result result = helix.run("env", "set", "--app", "hello", "OK=1", "1BAD=x");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.errLines()).containsExactly("helix: \"1BAD=x\": key \"1BAD\" (expected: a letter or _ followed by"
                + " letters, digits or _, e.g. DATABASE_URL) (see 'helix env set --help')");
        assertThat(api.requests).isEmpty();
    }

    @Test
    void setRejectsAnArgumentWithoutEquals() {
        CliRunner.Result result = helix.run("env", "set", "--app", "hello", "PORT");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.errLines()).containsExactly(
                "helix: \"PORT\" (expected: KEY=VALUE, e.g. PORT=3000) (see 'helix env set --help')");
        assertThat(api.requests).isEmpty();
    }

    @Test
    void unsetSendsTheKeys() {
        CliRunner.Result result = helix.run("env", "unset", "--app", "hello", "PORT");

        assertThat(result.exitCode()).isZero();
        assertThat(api.requests.getFirst().json().get("unset").toString()).isEqualTo("[\"PORT\"]");
        assertThat(helix.run("env", "list", "--app", "hello").outLines()).containsExactly("DATABASE_URL=postgres://db/hello");
    }

    @Test
    void unsetRejectsAnAssignment() {
        CliRunner.Result result = helix.run("env", "unset", "--app", "hello", "PORT=1");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("helix: key \"PORT=1\" (expected:");
    }

    @Test
    void jsonOutputsParse() throws IOException {
        JsonNode listed = Json.MAPPER.readTree(helix.run("env", "list", "--app", "hello", "--json").out());
        JsonNode set = Json.MAPPER.readTree(helix.run("env", "set", "--app", "hello", "A=1", "--json").out());

        assertThat(listed.get("env").get("PORT").asText()).isEqualTo("3000");
        assertThat(set.get("env").get("A").asText()).isEqualTo("1");
    }
}
