package io.helixstack.domain;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code metadata.json} of an artifact: how to run or serve it and where it came from.
 *
 * @param digest       {@code sha256:<hex>} of the artifact's file tree (see the build plane for how it is computed)
 * @param buildpack    the buildpack that built it ({@code node}, {@code static})
 * @param kind         static files or a server program
 * @param startCommand the command that starts the server (a shell-free argument string, run by {@code sh -c} inside the
 *                     sandbox only because Procfiles are written that way); null for static artifacts
 * @param staticRoot   directory inside the artifact served for a static artifact ({@code .} or {@code dist}); null for servers
 * @param source       what was built
 * @param env          default environment the buildpack asks for (e.g. {@code NODE_ENV=production})
 * @param createdAt    when the build finished
 */
public record ArtifactMetadata(String digest, String buildpack, ArtifactKind kind, String startCommand, String staticRoot,
                               Source source, Map<String, String> env, Instant createdAt) {
    public ArtifactMetadata {
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(buildpack, "buildpack");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(createdAt, "createdAt");
        env = Map.copyOf(env);
        if (kind == ArtifactKind.SERVER && (startCommand == null || startCommand.isBlank())) {
            throw new IllegalArgumentException("a server artifact needs a start command");
        }
        if (kind == ArtifactKind.STATIC && staticRoot == null) {
            throw new IllegalArgumentException("a static artifact needs a static root");
        }
    }
}
