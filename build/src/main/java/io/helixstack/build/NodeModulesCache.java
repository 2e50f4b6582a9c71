package io.helixstack.build;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Installed node_modules of one application, kept per lockfile: {@code <cacheDir>/<sha256 of the lockfile>/node_modules}.
 * A build whose lockfile is unchanged copies them back instead of downloading and installing again, which is most of a
 * Node build's time. Only the {@value #KEEP} most recently used entries stay, so a busy app does not fill the disk. The
 * copy taken is the full install, before devDependencies are pruned, because the build step needs them.
 */
final class NodeModulesCache {
    static final int KEEP = 2;
    private static final String TEMP_PREFIX = ".tmp-";

    private final Path dir;
    private final Clock clock;

    NodeModulesCache(Path dir, Clock clock) {
        this.dir = dir;
        this.clock = clock;
    }

    /** Replaces the app's node_modules with the cached copy for {@code key}; false when there is none. */
    boolean restore(String key, Path appDir) throws IOException {
        Path entry = dir.resolve(key);
        Path cached = entry.resolve("node_modules");
        if (!Files.isDirectory(cached)) {
            return false;
        }
        Path target = appDir.resolve("node_modules");
        FileTrees.delete(target);
        FileTrees.copy(cached, target);
        Files.setLastModifiedTime(entry, FileTime.from(clock.instant()));
        return true;
    }

    /** Keeps a copy of the app's node_modules under {@code key}, then drops all but the newest {@value #KEEP}. */
    void save(String key, Path appDir) throws IOException {
        Path modules = appDir.resolve("node_modules");
        if (!Files.isDirectory(modules)) {
            return;
        }
        Files.createDirectories(dir);
        Path entry = dir.resolve(key);
        if (!Files.exists(entry)) {
            Path staging = dir.resolve(TEMP_PREFIX + UUID.randomUUID());
            try {
                FileTrees.copy(modules, staging.resolve("node_modules"));
                Files.move(staging, entry, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException raced) {
                // Another build of the same lockfile got there first; its copy is as good as this one.
            } finally {
                FileTrees.deleteQuietly(staging);
            }
        }
        Files.setLastModifiedTime(entry, FileTime.from(clock.instant()));
        evict();
    }

    /** Cache keys present, newest first. */
    List<String> keys() throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> !p.getFileName().toString().startsWith(TEMP_PREFIX))
                    .filter(Files::isDirectory)
                    .sorted(Comparator.comparing(NodeModulesCache::lastModified).reversed()
                            .thenComparing(p -> p.getFileName().toString()))
                    .map(p -> p.getFileName().toString())
                    .toList();
        }
    }

    private void evict() throws IOException {
        List<String> keys = keys();
        for (String old : keys.subList(Math.min(KEEP, keys.size()), keys.size())) {
            FileTrees.delete(dir.resolve(old));
        }
    }

    private static FileTime lastModified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}
