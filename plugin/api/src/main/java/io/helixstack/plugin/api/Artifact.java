package io.helixstack.plugin.api;

import io.helixstack.domain.ArtifactMetadata;
import java.nio.file.Path;
import java.util.Objects;

/** A stored artifact: its metadata and the directory holding its unpacked, read-only file tree. */
public record Artifact(ArtifactMetadata metadata, Path dir) {
    public Artifact {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(dir, "dir");
    }

    public String digest() {
        return metadata.digest();
    }
}
