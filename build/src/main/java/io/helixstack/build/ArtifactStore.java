package io.helixstack.build;

import io.helixstack.domain.ArtifactMetadata;
import io.helixstack.plugin.api.Artifact;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.function.Function;

/**
 * Content-addressed artifacts: {@code <artifactsDir>/<hex>/app/} (the built tree) and {@code <artifactsDir>/<hex>/metadata.json}.
 * An artifact appears whole or not at all — it is assembled in a temporary directory on the same file system and renamed
 * into place atomically — so a reader never sees half a tree, and a crash leaves only temporary files. A tree that is
 * already stored is not stored again: its first metadata stays, and the build reuses it.
 */
final class ArtifactStore {
    private final Path artifactsDir;
    private final Path tmpDir;

    ArtifactStore(Path artifactsDir, Path tmpDir) {
        this.artifactsDir = artifactsDir;
        this.tmpDir = tmpDir;
    }

    /** What {@link #publish} did. */
    record Published(Artifact artifact, TreeDigest tree, boolean reused) {
    }

    /**
     * Moves {@code appDir} into the store under its digest, unless that digest is stored already.
     *
     * @param metadata builds the metadata for the digest
     */
    Published publish(Path appDir, Function<String, ArtifactMetadata> metadata) throws IOException {
        TreeDigest tree = TreeDigest.of(appDir);
        Optional<Artifact> existing = find(tree.value());
        if (existing.isPresent()) {
            return new Published(existing.get(), tree, true);
        }
        Path staging = Files.createTempDirectory(tmpDir, "artifact-");
        try {
            Files.move(appDir, staging.resolve("app"));
            MetadataJson.write(metadata.apply(tree.value()), staging.resolve("metadata.json"));
            Path target = artifactsDir.resolve(tree.hex());
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException raced) {
                // Another build stored the same tree meanwhile: use it. Anything else is a real failure.
                return new Published(find(tree.value()).orElseThrow(() -> raced), tree, true);
            }
            return new Published(find(tree.value()).orElseThrow(), tree, false);
        } finally {
            FileTrees.deleteQuietly(staging);
        }
    }

    /** The artifact stored under {@code sha256:<hex>}, if any. */
    Optional<Artifact> find(String digest) {
        String hex = Hashing.hexOf(digest);
        if (hex == null) {
            return Optional.empty();
        }
        Path dir = artifactsDir.resolve(hex);
        Path metadata = dir.resolve("metadata.json");
        if (!Files.isRegularFile(metadata)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Artifact(MetadataJson.read(metadata), dir.resolve("app")));
        } catch (IOException e) {
            throw new UncheckedIOException("artifact " + digest + ": unreadable metadata.json", e);
        }
    }
}
