package io.helixstack.build;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.helixstack.domain.ArtifactKind;
import io.helixstack.domain.ArtifactMetadata;
import io.helixstack.domain.Source;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * The on-disk shape of {@code metadata.json}. A mapping record of its own rather than Jackson annotations on the domain
 * types: the file is a format other tools read, and it must not change when a domain record gains a field.
 * <pre>
 * {"digest": "sha256:…", "buildpack": "node", "kind": "server", "startCommand": "node server.js",
 *  "source": {"type": "git", "url": "…", "ref": "main", "sha": "…"}, "env": {"NODE_ENV": "production"},
 *  "createdAt": "2025-01-01T00:00:00Z"}
 * </pre>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record MetadataJson(String digest, String buildpack, String kind, String startCommand, String staticRoot, SourceJson source,
                    Map<String, String> env, String createdAt) {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record SourceJson(String type, String digest, String url, String ref, String sha) {
    }

    static void write(ArtifactMetadata m, Path file) throws IOException {
        SourceJson source = switch (m.source()) {
            case Source.Upload u -> new SourceJson("upload", u.digest(), null, null, null);
            case Source.Git g -> new SourceJson("git", null, GitFetcher.redact(g.url()), g.ref(), g.sha());
        };
        JSON.writeValue(file.toFile(), new MetadataJson(m.digest(), m.buildpack(), m.kind().name().toLowerCase(Locale.ROOT),
                m.startCommand(), m.staticRoot(), source, m.env(), m.createdAt().toString()));
    }

    static ArtifactMetadata read(Path file) throws IOException {
        MetadataJson j = JSON.readValue(file.toFile(), MetadataJson.class);
        Source source = "git".equals(j.source().type())
                ? new Source.Git(j.source().url(), j.source().ref(), j.source().sha())
                : new Source.Upload(j.source().digest());
        return new ArtifactMetadata(j.digest(), j.buildpack(), ArtifactKind.valueOf(j.kind().toUpperCase(Locale.ROOT)),
                j.startCommand(), j.staticRoot(), source, j.env() == null ? Map.of() : j.env(), Instant.parse(j.createdAt()));
    }
}
