package io.helixstack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestCommandTest {
    @TempDir
    Path temp;

    @Test
    void schemaIsJson() throws Exception {
        CliRunner.Result r = new CliRunner(temp).run("manifest", "schema");
        assertThat(r.exitCode()).isZero();
        JsonNode schema = Json.MAPPER.readTree(r.out());
        assertThat(schema.get("properties").has("services")).isTrue();
    }

    @Test
    void checkAcceptsAValidManifest() throws Exception {
        Files.writeString(temp.resolve("helix.yaml"), """
                name: shop
                version: 1
                services:
                  web:
                    command: node server.js
                    http_port: 3000
                """);
        CliRunner.Result r = new CliRunner(temp).run("manifest", "check", temp.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("ok: shop (1 services, 0 databases)");
    }

    @Test
    void checkListsEveryErrorWithItsLocation() throws Exception {
        Files.writeString(temp.resolve("helix.yaml"), """
                name: shop
                version: 1
                services:
                  web:
                    comand: node server.js
                    http_port: abc
                """);
        CliRunner.Result r = new CliRunner(temp).run("manifest", "check", temp.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("helix.yaml:5:5: services.web.comand: unknown key (did you mean \"command\"?)")
                .contains("helix.yaml:6:16: services.web.http_port").contains("2 problems");
    }

    @Test
    void aFolderWithoutManifestIsOneClearLine() {
        CliRunner.Result r = new CliRunner(temp).run("manifest", "check", temp.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("no helix.yaml").doesNotContain("Exception");
    }
}
