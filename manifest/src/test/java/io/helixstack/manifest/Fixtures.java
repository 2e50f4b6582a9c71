package io.helixstack.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** The example manifests under {@code src/test/resources/manifests/} and translation contexts for them. */
final class Fixtures {
    /** Every valid example; each must parse, validate against the JSON Schema and translate to valid output. */
    static final List<String> VALID_EXAMPLES = List.of("full.yaml", "seed-heliosfile.yml", "minimal.yaml",
            "dockerfile-worker-only.yaml", "two-web-services.yaml");

    /** Passwords with a $ on purpose: compose and the kubelet both give $ a meaning. */
    static final Map<String, DatabaseCredentials> CREDENTIALS = Map.of(
            "postgres", DatabaseCredentials.forPostgresql("shop", "pg$ecret-1", "shop"),
            "cache", DatabaseCredentials.forRedis("redis$ecret-2"),
            "queue", DatabaseCredentials.forRedis("queue-secret-3"),
            "main-db", DatabaseCredentials.forPostgresql("app", "main-secret-4", "app"));

    private Fixtures() {}

    static String text(String example) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/manifests/" + example)) {
            assertThat(in).as("example manifest %s", example).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Manifest manifest(String example) {
        ManifestResult result = ManifestParser.parse(example, text(example));
        assertThat(result).as("%s parses", example).isInstanceOf(ManifestResult.Valid.class);
        return ((ManifestResult.Valid) result).manifest();
    }

    /** Production, a stack image and the artifact fetched from a signed URL: the registry-free path. */
    static TranslationContext artifactContext() {
        return TranslationContext.ofArtifact("shop", "production", "apps.example.com", "node:22-slim",
                URI.create("https://helix.example.com/artifacts/sha256-9f86d081/download?expires=1767225600&signature=abc123"),
                "node server.js", CREDENTIALS);
    }

    /** Staging, an image that holds the application. */
    static TranslationContext imageContext() {
        return TranslationContext.ofImage("shop", "staging", "apps.example.com", "registry.example.com/shop:1.4.2", CREDENTIALS);
    }

    static List<TranslationContext> contexts() {
        return List.of(artifactContext(), imageContext());
    }
}
