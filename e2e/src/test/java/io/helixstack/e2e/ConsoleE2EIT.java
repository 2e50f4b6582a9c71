package io.helixstack.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console in a real browser (Debian's Chromium, driven by Playwright from {@code console/tests/console.e2e.mjs})
 * against the packaged server: sign in, deploy through the API and watch it go live, logs, rollback, restart, env vars,
 * errors, phone width. Screenshots of each page land in {@code e2e/target/console-screenshots/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleE2EIT {
    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
    static final Path CONSOLE = HelixProcesses.ROOT.resolve("console");

    Path home;
    int apiPort;
    Process server;

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        home = tmp.resolve("helix-home");
        apiPort = HelixProcesses.freePort();
        server = HelixProcesses.startServer(home, apiPort, HelixProcesses.freePort(), Map.of("HELIX_SSH_PORT", "off",
                "HELIX_HEALTH_TIMEOUT", "8s"));
        HttpClient http = HttpClient.newHttpClient();
        await("server /healthz").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!server.isAlive()) {
                throw new AssertionError("server exited:\n" + Files.readString(home.resolve("server.log")));
            }
            try {
                return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/healthz")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200 && Files.exists(home.resolve("credentials"));
            } catch (java.io.IOException e) {
                return false;
            }
        });
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.destroy();
            if (!server.waitFor(60, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void theConsoleDrivesTheWholeLifecycleInARealBrowser(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "no Chromium at " + CHROMIUM + ": install Debian's chromium (.ci/run does) to run"
                + " the console's browser test");
        assumeTrue(Files.isDirectory(CONSOLE.resolve("node_modules/playwright-core")), "console/node_modules is missing: the"
                + " helix-console module's build (npm ci) installs it");
        Path v1 = tarball(tmp, "v1");
        Path v2 = tarball(tmp, "v2");
        String token = Files.readAllLines(home.resolve("credentials")).stream().filter(l -> l.startsWith("token="))
                .findFirst().orElseThrow().substring("token=".length());
        Path shots = HelixProcesses.ROOT.resolve("e2e/target/console-screenshots");

        ProcessBuilder pb = new ProcessBuilder("node", "tests/console.e2e.mjs").directory(CONSOLE.toFile()).redirectErrorStream(true);
        pb.environment().putAll(Map.of("HELIX_API_URL", "http://127.0.0.1:" + apiPort, "HELIX_TOKEN", token,
                "EXAMPLE_TARBALLS", v1 + "," + v2, "SCREENSHOTS", shots.toString(), "CHROMIUM", CHROMIUM.toString()));
        Process browser = pb.start();
        String out = new String(browser.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(browser.waitFor(5, TimeUnit.MINUTES)).as("the browser test finished").isTrue();
        assertThat(browser.exitValue()).as(out).isZero();
        assertThat(out).contains("console test: done");
        try (var files = Files.list(shots)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).contains("02-applications-empty.png",
                    "04-deployments.png", "07-rolled-back.png", "12-phone.png");
        }
    }

    /** examples/hello-node with VERSION set, as a .tar.gz the API takes. */
    private static Path tarball(Path tmp, String version) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("hello-" + version));
        for (String f : List.of("server.js", "package.json")) {
            Files.copy(HelixProcesses.ROOT.resolve("examples/hello-node").resolve(f), dir.resolve(f));
        }
        Files.writeString(dir.resolve("VERSION"), version + "\n");
        Path out = tmp.resolve("hello-" + version + ".tar.gz");
        Process tar = new ProcessBuilder("tar", "-czf", out.toString(), "-C", dir.toString(), ".").inheritIO().start();
        assertThat(tar.waitFor()).isZero();
        return out;
    }
}
