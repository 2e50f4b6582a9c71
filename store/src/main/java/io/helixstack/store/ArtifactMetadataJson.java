package io.helixstack.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.helixstack.domain.ArtifactKind;
import io.helixstack.domain.ArtifactMetadata;
import java.time.Instant;
import java.util.Map;

/** The jsonb form of {@link ArtifactMetadata} (the source as in the deployments table). */
record ArtifactMetadataJson(String digest, String buildpack, String kind, String startCommand, String staticRoot,
                            JsonNode source, Map<String, String> env, Instant createdAt) {

    static ArtifactMetadataJson of(ArtifactMetadata m) {
        return new ArtifactMetadataJson(m.digest(), m.buildpack(), m.kind().name(), m.startCommand(), m.staticRoot(),
                SourceJson.toNode(m.source()), m.env(), m.createdAt());
    }

    ArtifactMetadata toMetadata() {
        return new ArtifactMetadata(digest, buildpack, ArtifactKind.valueOf(kind), startCommand, staticRoot,
                SourceJson.read(source.toString()), env == null ? Map.of() : env, createdAt);
    }

    String write() {
        try {
            return Store.JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
