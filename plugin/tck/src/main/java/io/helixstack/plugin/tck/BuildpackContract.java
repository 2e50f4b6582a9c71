package io.helixstack.plugin.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.helixstack.plugin.api.BuildContext;
import io.helixstack.plugin.api.BuildLog;
import io.helixstack.plugin.api.Buildpack;
import io.helixstack.plugin.api.CommandRunner;
import io.helixstack.plugin.api.Detection;
import io.helixstack.plugin.api.Release;
import io.helixstack.plugin.api.StepResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link Buildpack} does. An implementation's test extends this class and supplies the buildpack, a directory
 * holding a source it must detect and build, and the command runner to build with. The suite works on a copy of that
 * directory (leaving out {@code node_modules} and {@code .git}), so fixtures such as {@code examples/} stay untouched.
 */
public abstract class BuildpackContract {
    private static final Set<String> NOT_COPIED = Set.of("node_modules", ".git");

    @TempDir
    private Path work;
    private Path appDir;
    private Path cacheDir;
    private Path homeDir;
    private final List<String> logLines = new CopyOnWriteArrayList<>();

    /** The buildpack under test; may be a new one per call. */
    protected abstract Buildpack buildpack();

    /** A directory holding a source this buildpack detects, compiles and releases. Never modified by the suite. */
    protected abstract Path matchingFixture();

    /** The runner for build commands, writing their output to {@code log}. */
    protected abstract CommandRunner commandRunner(BuildLog log);

    /** Environment for compile: by default this JVM's PATH and a HOME of the build's own. */
    protected Map<String, String> buildEnv(Path home) {
        return Map.of("PATH", Objects.requireNonNullElse(System.getenv("PATH"), "/usr/bin:/bin"), "HOME", home.toString());
    }

    @BeforeEach
    final void copyFixture() throws IOException {
        appDir = work.resolve("app");
        cacheDir = Files.createDirectories(work.resolve("cache"));
        homeDir = Files.createDirectories(work.resolve("home"));
        copy(matchingFixture(), appDir);
    }

    @Test
    void nameIsAShortLowercaseWord() {
        assertThat(buildpack().name()).matches("[a-z][a-z0-9-]{0,29}");
    }

    @Test
    void emptyDirectoryIsNoMatch() throws IOException {
        Path empty = Files.createDirectories(work.resolve("empty"));
        assertThat(buildpack().detect(empty)).isInstanceOf(Detection.NoMatch.class);
    }

    @Test
    void unrelatedSourceIsNoMatch() throws IOException {
        Path other = Files.createDirectories(work.resolve("other"));
        Files.writeString(other.resolve("README.md"), "# notes\n");
        Files.writeString(other.resolve("notes.txt"), "nothing to build here\n");
        assertThat(buildpack().detect(other)).isInstanceOf(Detection.NoMatch.class);
    }

    @Test
    void matchingFixtureIsDetectedWithADescription() {
        Detection detection = buildpack().detect(appDir);
        assertThat(detection).isInstanceOf(Detection.Match.class);
        assertThat(((Detection.Match) detection).description()).isNotBlank();
    }

    @Test
    void detectModifiesNothing() throws IOException {
        Map<String, String> before = snapshot(appDir);
        buildpack().detect(appDir);
        buildpack().detect(appDir);
        assertThat(snapshot(appDir)).isEqualTo(before);
    }

    @Test
    void detectGivesTheSameAnswerEveryTime() {
        Buildpack buildpack = buildpack();
        assertThat(buildpack.detect(appDir)).isEqualTo(buildpack.detect(appDir));
    }

    @Test
    void matchingFixtureCompilesAndReleases() {
        Buildpack buildpack = buildpack();
        BuildContext ctx = context();
        StepResult compiled = buildpack.compile(ctx);
        assertThat(compiled).as("compile of the matching fixture").isInstanceOf(StepResult.Ok.class);

        Release release = buildpack.release(ctx);
        assertThat(release).as("release after a successful compile").isNotInstanceOf(Release.Rejected.class);
        switch (release) {
            case Release.Server server -> assertThat(server.command()).isNotBlank();
            case Release.Static site -> {
                Path root = appDir.resolve(site.root()).normalize();
                assertThat(site.root()).as("static root is relative").doesNotStartWith("/");
                assertThat(root).as("static root stays inside the app").startsWith(appDir);
                assertThat(root).as("static root is a directory").isDirectory();
            }
            case Release.Rejected rejected -> throw new AssertionError("rejected: " + rejected.reason());
        }
    }

    @Test
    void compileTellsTheLogWhatItDoes() {
        buildpack().compile(context());
        assertThat(logLines).as("build log lines").isNotEmpty();
    }

    @Test
    void releaseIsStableForOneCompiledTree() {
        Buildpack buildpack = buildpack();
        BuildContext ctx = context();
        buildpack.compile(ctx);
        assertThat(buildpack.release(ctx)).isEqualTo(buildpack.release(ctx));
    }

    /** A build context on the copied fixture, logging into this test's lines. */
    protected final BuildContext context() {
        BuildLog log = logLines::add;
        return new BuildContext(appDir, cacheDir, buildEnv(homeDir), log, commandRunner(log));
    }

    /** The lines logged so far in this test. */
    protected final List<String> logLines() {
        return List.copyOf(logLines);
    }

    /** Every entry under {@code dir}: type, content hash or link target, and modification time. */
    private static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> entries = new TreeMap<>();
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                entries.put(dir.relativize(d) + "/", "dir " + attrs.lastModifiedTime());
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                String what = attrs.isSymbolicLink() ? "link " + Files.readSymbolicLink(f) : "file " + sha256(f);
                entries.put(dir.relativize(f).toString(), what + " " + attrs.lastModifiedTime());
                return FileVisitResult.CONTINUE;
            }
        });
        return entries;
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!dir.equals(from) && NOT_COPIED.contains(dir.getFileName().toString())) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                Path target = to.resolve(from.relativize(file).toString());
                try {
                    if (attrs.isSymbolicLink()) {
                        Files.createSymbolicLink(target, Files.readSymbolicLink(file));
                    } else {
                        Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
