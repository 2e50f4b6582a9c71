package io.helixstack.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliConfigTest {
    @TempDir
    Path temp;

    private Path home;
    private final Map<String, String> env = new HashMap<>();

    @BeforeEach
    void helixHome() {
        home = temp.resolve("helix-home");
        env.put("HELIX_HOME", home.toString());
    }

    @Test
    void apiUrlOptionBeatsEnvironmentBeatsCredentialsBeatsDefault() throws IOException {
        assertThat(resolve(null).apiUrl()).hasToString("http://localhost:4000");

        credentials("api_url=http://from-credentials:4100\n");
        assertThat(resolve(null).apiUrl()).hasToString("http://from-credentials:4100");

        env.put("HELIX_API_URL", "http://from-env:4200/");
        assertThat(resolve(null).apiUrl()).hasToString("http://from-env:4200");

        assertThat(resolve("https://from-option:4300").apiUrl()).hasToString("https://from-option:4300");
    }

    @Test
    void tokenFromEnvironmentBeatsCredentials() throws IOException {
        assertThat(resolve(null).token()).isEmpty();

        credentials("# written by helix up\n\n token = from-file \napi_url=http://127.0.0.1:4000\n");
        assertThat(resolve(null).requireToken()).isEqualTo("from-file");

        env.put("HELIX_TOKEN", "from-env");
        assertThat(resolve(null).requireToken()).isEqualTo("from-env");
    }

    @Test
    void blankValuesCountAsUnset() throws IOException {
        credentials("token=from-file\n");
        env.put("HELIX_TOKEN", " ");
        env.put("HELIX_API_URL", "");

        CliConfig config = resolve("");

        assertThat(config.requireToken()).isEqualTo("from-file");
        assertThat(config.apiUrl()).hasToString(CliConfig.DEFAULT_API_URL);
    }

    @Test
    void helixHomeDefaultsToDotHelixInTheUserHome() throws IOException {
        env.remove("HELIX_HOME");
        Path userHome = temp.resolve("user");
        Files.createDirectories(userHome.resolve(".helix"));
        Files.writeString(userHome.resolve(".helix/credentials"), "token=t\n");

        CliConfig config = CliConfig.resolve(null, env, userHome);

        assertThat(config.home()).isEqualTo(userHome.resolve(".helix"));
        assertThat(config.requireToken()).isEqualTo("t");
    }

    @Test
    void missingTokenSaysHowToGetOne() {
        assertThatThrownBy(() -> resolve(null).requireToken())
                .isInstanceOf(CliException.class)
                .hasMessage("no API token: start the server with `helix up` (it writes " + home.resolve("credentials")
                        + ") or set HELIX_TOKEN");
    }

    @Test
    void aBadAddressNamesItsSourceAndWhatWasExpected() throws IOException {
        env.put("HELIX_API_URL", "localhost:4000");
        assertThatThrownBy(() -> resolve(null))
                .hasMessage("HELIX_API_URL: \"localhost:4000\" (expected: an http(s) address such as http://localhost:4000)");

        assertThatThrownBy(() -> resolve("ftp://x"))
                .hasMessageStartingWith("--api-url: \"ftp://x\"");

        env.remove("HELIX_API_URL");
        credentials("api_url=nope\n");
        assertThatThrownBy(() -> resolve(null))
                .hasMessageStartingWith("api_url in " + home.resolve("credentials") + ": \"nope\"");
    }

    private CliConfig resolve(String option) {
        return CliConfig.resolve(option, env, temp.resolve("user"));
    }

    private void credentials(String text) throws IOException {
        Files.createDirectories(home);
        Files.writeString(home.resolve("credentials"), text);
    }
}
