package io.helixstack.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helixstack.domain.InvalidInputException;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class ComposeTranslatorTest {
    private final ComposeTranslator translator = new ComposeTranslator();

    static List<String> examples = Fixtures.VALID_EXAMPLES;

    @Test
    void matchesGoldenFiles() {
        Manifest full = Fixtures.manifest("full.yaml");
        Golden.assertMatches("full.artifact-production.docker-compose.yml", translator.translate(full, Fixtures.artifactContext()));
        Golden.assertMatches("full.image-staging.docker-compose.yml", translator.translate(full, Fixtures.imageContext()));
    }

    @ParameterizedTest
    @FieldSource("examples")
    void passesDockerComposeConfig(String example, @TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(dockerCompose() != null, "docker-compose is not installed (Debian: apt-get install"
                + " docker-compose); skipping the check of the output with the real tool");
        for (TranslationContext context : Fixtures.contexts()) {
            Path file = Files.writeString(dir.resolve("docker-compose.yml"), translator.translate(Fixtures.manifest(example), context));
            Result result = config(file, context);
            assertThat(result.exitCode()).as("docker-compose config on %s:\n%s", example, result.output()).isZero();
            // An unescaped $ would make compose interpolate (and warn about) a variable that does not exist.
            assertThat(result.output()).as("docker-compose config on %s", example).doesNotContain("variable is not set")
                    .doesNotContainIgnoringCase("warning");
        }
    }

    @Test
    void theComposeCheckCatchesAnUnescapedDollar(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(dockerCompose() != null, "docker-compose is not installed");
        String unescaped = translator.translate(Fixtures.manifest("full.yaml"), Fixtures.imageContext()).replace("$$", "$");
        Result result = config(Files.writeString(dir.resolve("docker-compose.yml"), unescaped), Fixtures.imageContext());
        assertThat(result.output()).contains("variable is not set");
    }

    @Test
    void servicesWaitForHealthyDatabasesTheArtifactAndTheRelease() {
        Map<String, Object> doc = translator.document(Fixtures.manifest("full.yaml"), Fixtures.artifactContext());
        Map<String, Object> services = child(doc, "services");

        assertThat(services.keySet()).containsExactly("postgres", "cache", "helix-artifact", "helix-release", "web", "worker");
        assertThat(child(child(services, "web"), "depends_on")).isEqualTo(Map.of(
                "postgres", Map.of("condition", "service_healthy"),
                "cache", Map.of("condition", "service_healthy"),
                "helix-artifact", Map.of("condition", "service_completed_successfully"),
                "helix-release", Map.of("condition", "service_completed_successfully")));
        assertThat(child(child(services, "worker"), "depends_on")).containsOnlyKeys("postgres", "helix-artifact", "helix-release");
        assertThat(child(child(services, "helix-release"), "depends_on")).doesNotContainKey("helix-release");
        assertThat(child(doc, "volumes")).containsOnlyKeys("postgres-data", "cache-data", "artifact");
    }

    @Test
    void mapsPortsResourcesHealthchecksAndEnv() {
        Map<String, Object> services = child(translator.document(Fixtures.manifest("full.yaml"), Fixtures.imageContext()), "services");
        Map<String, Object> web = child(services, "web");

        assertThat(web.get("image")).isEqualTo("registry.example.com/shop:1.4.2");
        assertThat(web.get("command")).isEqualTo(List.of("/bin/sh", "-c", "npm start"));
        assertThat(web.get("ports")).as("two replicas cannot share a host port").isEqualTo(List.of("3000"));
        assertThat(web.get("deploy")).isEqualTo(Map.of("replicas", 2,
                "resources", Map.of("limits", Map.of("cpus", "0.5", "memory", "512M"))));
        assertThat(child(web, "healthcheck").get("test")).isEqualTo(List.of("CMD-SHELL",
                "curl -fsS -o /dev/null 'http://localhost:3000/healthz' || wget -q -O /dev/null 'http://localhost:3000/healthz'"));
        // document() is what the file holds, $ doubled; the URL reaches the database service by its name.
        assertThat(child(web, "environment"))
                .containsEntry("DATABASE_URL", "postgresql://shop:pg%24ecret-1@postgres:5432/shop")
                .containsEntry("PRICE_FORMAT", "$${amount} $$");
        assertThat(child(child(services, "worker"), "environment")).containsEntry("PGPASSWORD", "pg$$ecret-1")
                .containsEntry("PGHOST", "postgres").containsEntry("PGPORT", "5432");
        assertThat(child(services, "worker")).doesNotContainKeys("ports", "healthcheck");

        Map<String, Object> postgres = child(services, "postgres");
        assertThat(postgres.get("image")).isEqualTo("postgres:15");
        assertThat(child(postgres, "environment")).containsEntry("POSTGRES_PASSWORD", "pg$$ecret-1");
        assertThat(child(postgres, "healthcheck").get("test")).isEqualTo(List.of("CMD-SHELL",
                "pg_isready -U \"$$POSTGRES_USER\" -d \"$$POSTGRES_DB\""));
        assertThat(child(child(services, "cache"), "healthcheck").get("test")).isEqualTo(List.of("CMD", "redis-cli", "ping"));
        assertThat(child(services, "cache").get("image")).isEqualTo("redis:7.2");
    }

    @Test
    void aSingleInstanceKeepsItsHostPortAndTheArtifactStartCommandIsTheDefault() {
        Map<String, Object> services = child(translator.document(Fixtures.manifest("two-web-services.yaml"),
                Fixtures.artifactContext()), "services");
        assertThat(child(services, "site").get("ports")).isEqualTo(List.of("8080:8080"));
        assertThat(child(services, "admin").get("ports")).isEqualTo(List.of("8080"));

        Map<String, Object> minimal = child(child(translator.document(Fixtures.manifest("minimal.yaml"),
                Fixtures.artifactContext()), "services"), "web");
        assertThat(minimal.get("command")).isEqualTo(List.of("/bin/sh", "-c", "node server.js"));
        assertThat(minimal.get("working_dir")).isEqualTo("/app");
        Map<String, Object> withImage = child(child(translator.document(Fixtures.manifest("minimal.yaml"),
                Fixtures.imageContext()), "services"), "web");
        assertThat(withImage).doesNotContainKeys("command", "working_dir", "volumes", "depends_on", "environment");
    }

    @Test
    void credentialsComeFromTheContext() {
        TranslationContext none = TranslationContext.ofImage("shop", "production", "localhost", "shop:1", Map.of());
        assertThatThrownBy(() -> translator.translate(Fixtures.manifest("full.yaml"), none))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("no credentials for database \"postgres\" in the translation context (expected: credentials for"
                        + " every database of the manifest)");
        TranslationContext wrongRedis = TranslationContext.ofImage("shop", "production", "localhost", "shop:1", Map.of(
                "queue", DatabaseCredentials.forPostgresql("app", "pw", "app")));
        assertThatThrownBy(() -> translator.translate(Fixtures.manifest("dockerfile-worker-only.yaml"), wrongRedis))
                .hasMessage("credentials for redis database \"queue\": user \"app\" (expected: DatabaseCredentials.forRedis(password),"
                        + " user \"default\")");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> child(Map<String, Object> map, String key) {
        assertThat(map).containsKey(key);
        return (Map<String, Object>) map.get(key);
    }

    private record Result(int exitCode, String output) {}

    private static Result config(Path file, TranslationContext context) throws Exception {
        List<String> command = new ArrayList<>(List.of(dockerCompose(), "-f", file.toString(), "-p", context.namespace(),
                "config", "-q"));
        Process process = new ProcessBuilder(command).directory(file.getParent().toFile()).redirectErrorStream(true).start();
        process.getOutputStream().close();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("docker-compose config did not finish within 120 s");
        }
        return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    /** The docker-compose binary on the PATH, or null. */
    private static String dockerCompose() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "docker-compose");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }
}
