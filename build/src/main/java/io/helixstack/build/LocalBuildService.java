package io.helixstack.build;

import io.helixstack.domain.ArtifactKind;
import io.helixstack.domain.ArtifactMetadata;
import io.helixstack.domain.InvalidInputException;
import io.helixstack.domain.Source;
import io.helixstack.plugin.api.Artifact;
import io.helixstack.plugin.api.BuildContext;
import io.helixstack.plugin.api.BuildLog;
import io.helixstack.plugin.api.BuildOutcome;
import io.helixstack.plugin.api.BuildRequest;
import io.helixstack.plugin.api.BuildService;
import io.helixstack.plugin.api.Buildpack;
import io.helixstack.plugin.api.CommandRunner;
import io.helixstack.plugin.api.Release;
import io.helixstack.plugin.api.StepResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The build plane on this machine: fetch the source, detect, compile, release, publish a content-addressed artifact.
 * Everything lives under one root directory:
 * <pre>
 * root/uploads/&lt;hex&gt;.tar.gz               accepted uploads, named by the sha256 of their bytes
 * root/artifacts/&lt;hex&gt;/app/               an artifact's tree, named by its {@link TreeDigest}
 * root/artifacts/&lt;hex&gt;/metadata.json
 * root/cache/&lt;app&gt;/&lt;buildpack&gt;/           a buildpack's cache (node: &lt;lockfile sha256&gt;/node_modules)
 * root/cache/&lt;app&gt;/npm/                  npm's download cache for the app
 * root/tmp/                               work directories, removed after each build; on the same file system as
 *                                         artifacts/ so an artifact is published by one atomic rename
 * </pre>
 * Builds of one application run one at a time (its cache is shared); builds of different applications run in parallel.
 * Expected failures come back as {@link BuildOutcome.Failed}, never as exceptions.
 */
public final class LocalBuildService implements BuildService {
    private static final Logger LOG = LoggerFactory.getLogger(LocalBuildService.class);
    private static final Pattern SAFE_APP = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}");

    private final Path root;
    private final Path tmpDir;
    private final Path cacheDir;
    private final Detector detector;
    private final Function<BuildLog, CommandRunner> runners;
    private final Clock clock;
    private final UploadStore uploads;
    private final ArtifactStore artifacts;
    private final Map<String, ReentrantLock> appLocks = new ConcurrentHashMap<>();
    /** Builds at once across all apps; a build beyond them waits its turn (fair: first come, first built). */
    private final java.util.concurrent.Semaphore slots;
    private final int concurrency;

    /** Half the cores, at least one: builds never take every core from the running apps. */
    public static int defaultConcurrency() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    /** The default build plane: {@link #defaultBuildpacks}, commands through {@link ProcessCommandRunner}. */
    public LocalBuildService(Path root, Clock clock) {
        this(root, defaultBuildpacks(clock), ProcessCommandRunner::new, clock);
    }

    /**
     * @param root       the directory holding uploads, artifacts, caches and work directories; created if missing
     * @param buildpacks tried in order; the first that detects a source builds it
     * @param runners    makes the command runner of one build, writing to that build's log
     */
    public LocalBuildService(Path root, List<Buildpack> buildpacks, Function<BuildLog, CommandRunner> runners, Clock clock) {
        this(root, buildpacks, runners, clock, defaultConcurrency());
    }

    /** @param concurrency how many builds run at once; later ones queue */
    public LocalBuildService(Path root, List<Buildpack> buildpacks, Function<BuildLog, CommandRunner> runners, Clock clock,
                             int concurrency) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("build concurrency: " + concurrency + " (expected: at least 1)");
        }
        this.concurrency = concurrency;
        this.slots = new java.util.concurrent.Semaphore(concurrency, true);
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath();
        this.detector = new Detector(buildpacks);
        this.runners = Objects.requireNonNull(runners, "runners");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.tmpDir = this.root.resolve("tmp");
        this.cacheDir = this.root.resolve("cache");
        Path uploadsDir = this.root.resolve("uploads");
        Path artifactsDir = this.root.resolve("artifacts");
        try {
            for (Path dir : List.of(tmpDir, cacheDir, uploadsDir, artifactsDir)) {
                Files.createDirectories(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("build root " + this.root + " is not writable", e);
        }
        this.uploads = new UploadStore(uploadsDir, tmpDir);
        this.artifacts = new ArtifactStore(artifactsDir, tmpDir);
    }

    /** Node first (a package.json decides), then static files. */
    public static List<Buildpack> defaultBuildpacks(Clock clock) {
        return List.of(new NodeBuildpack(clock), new StaticBuildpack());
    }

    @Override
    public Source.Upload acceptUpload(InputStream tarGz, long maxBytes) {
        try {
            return uploads.accept(tarGz, maxBytes, appDir -> {
                if (manifestProblems(appDir) instanceof String problems) {
                    throw new InvalidInputException(problems);
                }
                if (detector.detect(appDir) instanceof Detector.NotFound(String reason)) {
                    throw new InvalidInputException(reason);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("storing an upload failed", e);
        }
    }

    /** Every error of the app's helix.yaml (file:line:column each), or null when it has none or is valid. */
    private static String manifestProblems(Path appDir) {
        try {
            return io.helixstack.manifest.ManifestParser.parseDirectory(appDir)
                    .filter(r -> r instanceof io.helixstack.manifest.ManifestResult.Invalid)
                    .map(r -> ((io.helixstack.manifest.ManifestResult.Invalid) r).report())
                    .orElse(null);
        } catch (InvalidInputException twoManifests) {
            return twoManifests.getMessage();
        }
    }

    @Override
    public Optional<Artifact> artifact(String digest) {
        return artifacts.find(digest);
    }

    @Override
    public BuildOutcome build(BuildRequest request) {
        if (!SAFE_APP.matcher(request.app()).matches() || request.app().contains("..")) {
            return fail(request, "app: \"" + request.app() + "\" (expected: letters, digits, '.', '_' and '-', e.g. \"hello-node\")");
        }
        LOG.atInfo().addKeyValue("build", request.buildId()).addKeyValue("app", request.app())
                .addKeyValue("source", redacted(request.source())).log("Building");
        if (!slots.tryAcquire()) {
            request.log().line("-----> Waiting for a build slot (" + concurrency + " build" + (concurrency == 1 ? "" : "s")
                    + " at a time; running apps keep their CPU)");
            try {
                slots.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return fail(request, "build cancelled while waiting for a build slot");
            }
        }
        try {
            return buildInSlot(request);
        } finally {
            slots.release();
        }
    }

    private BuildOutcome buildInSlot(BuildRequest request) {
        ReentrantLock lock = appLocks.computeIfAbsent(request.app(), app -> new ReentrantLock());
        lock.lock();
        Path work = null;
        // Build workers in other processes may share this root: the app's file lock keeps its cache to one of them at a
        // time (the operating system releases it when a worker dies).
        try (java.nio.channels.FileChannel lockFile = java.nio.channels.FileChannel.open(cacheDir.resolve(request.app() + ".lock"),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
             java.nio.channels.FileLock held = lockFile.lock()) {
            work = Files.createTempDirectory(tmpDir, "build-");
            BuildOutcome outcome = build(request, work);
            switch (outcome) {
                case BuildOutcome.Succeeded s -> LOG.atInfo().addKeyValue("build", request.buildId()).addKeyValue("app", request.app())
                        .addKeyValue("artifact", s.artifact().digest()).log("Built");
                case BuildOutcome.Failed f -> LOG.atInfo().addKeyValue("build", request.buildId()).addKeyValue("app", request.app())
                        .addKeyValue("reason", f.reason()).log("Build failed");
            }
            return outcome;
        } catch (IOException | RuntimeException e) {
            LOG.atError().addKeyValue("build", request.buildId()).addKeyValue("app", request.app()).setCause(e).log("Build crashed");
            return fail(request, "build failed: " + e);
        } finally {
            FileTrees.deleteQuietly(work);
            lock.unlock();
        }
    }

    private BuildOutcome build(BuildRequest request, Path work) throws IOException {
        BuildLog log = request.log();
        Path appDir = work.resolve("app");
        log.line("-----> Fetching " + redacted(request.source()));
        Source source;
        try {
            source = fetch(request.source(), appDir, log, request.gitAccessToken());
        } catch (FetchFailedException e) {
            return fail(request, e.getMessage());
        }
        if (manifestProblems(appDir) instanceof String problems) {
            log.line("-----> The manifest is not valid:");
            problems.lines().forEach(l -> log.line("       " + l));
            return fail(request, problems);
        }
        Buildpack buildpack;
        String description;
        switch (detector.detect(appDir)) {
            case Detector.NotFound(String reason) -> {
                return fail(request, reason);
            }
            case Detector.Found found -> {
                buildpack = found.buildpack();
                description = found.description();
            }
        }
        log.line("-----> Detected " + description);
        BuildContext ctx = new BuildContext(appDir, Files.createDirectories(cacheDir.resolve(request.app()).resolve(buildpack.name())),
                buildEnv(request, work), log, runners.apply(log));
        if (buildpack.compile(ctx) instanceof StepResult.Failed(String reason)) {
            return fail(request, reason);
        }
        Release release = buildpack.release(ctx);
        switch (release) {
            case Release.Rejected rejected -> {
                return fail(request, "release rejected: " + rejected.reason());
            }
            case Release.Server server -> {
                if (server.command() == null || server.command().isBlank()) {
                    return fail(request, "release rejected: buildpack " + buildpack.name() + " gave no start command");
                }
                log.line("-----> Release: web: " + server.command());
            }
            case Release.Static site -> {
                Path siteRoot = appDir.resolve(site.root()).normalize();
                if (!siteRoot.startsWith(appDir) || !Files.isDirectory(siteRoot)) {
                    return fail(request, "release rejected: static root \"" + site.root() + "\" is not a directory of the app");
                }
                log.line("-----> Release: static files from " + (site.root().equals(".") ? "the app root" : site.root() + "/"));
            }
        }

        FileTrees.delete(appDir.resolve(".git"));
        // Build scripts run the app's own code: check again that nothing served or run from the artifact leads outside it.
        Optional<String> escaping = LinkCheck.firstEscapingLink(appDir);
        if (escaping.isPresent()) {
            return fail(request, "artifact rejected: " + escaping.get());
        }
        Source built = source;
        ArtifactStore.Published published = artifacts.publish(appDir, digest -> metadata(digest, buildpack, release, built, ctx));
        log.line("-----> Artifact " + published.tree().value().substring(0, 19) + "… (" + Sizes.human(published.tree().bytes()) + ")"
                + (published.reused() ? ", identical to an earlier build: reused" : ""));
        return new BuildOutcome.Succeeded(published.artifact(), source);
    }

    /** Puts the source into {@code appDir}; returns it with what was resolved (the commit of a git ref). */
    private Source fetch(Source source, Path appDir, BuildLog log, String gitAccessToken) throws IOException, FetchFailedException {
        switch (source) {
            case Source.Upload upload -> {
                Path archive = uploads.find(upload.digest()).orElseThrow(() -> new FetchFailedException(
                        "upload " + upload.digest() + " not found (expected: a digest returned by acceptUpload)"));
                Files.createDirectories(appDir);
                try {
                    TarballReader.unpack(archive, appDir);
                } catch (InvalidInputException e) {
                    throw new FetchFailedException(e.getMessage());
                }
                return source;
            }
            case Source.Git git -> {
                String sha = GitFetcher.checkout(git, appDir, gitAccessToken);
                log.line("-----> Checked out " + sha.substring(0, 7) + " (" + git.ref() + ")");
                FileTrees.delete(appDir.resolve(".git"));
                Optional<String> escaping = LinkCheck.firstEscapingLink(appDir);
                if (escaping.isPresent()) {
                    throw new FetchFailedException("source rejected: " + escaping.get());
                }
                return new Source.Git(git.url(), git.ref(), sha);
            }
        }
    }

    private ArtifactMetadata metadata(String digest, Buildpack buildpack, Release release, Source source, BuildContext ctx) {
        return switch (release) {
            case Release.Server s -> new ArtifactMetadata(digest, buildpack.name(), ArtifactKind.SERVER, s.command(), null, source,
                    s.env(), clock.instant());
            case Release.Static s -> new ArtifactMetadata(digest, buildpack.name(), ArtifactKind.STATIC, null, s.root(), source,
                    Map.of(), clock.instant());
            case Release.Rejected r -> throw new IllegalStateException("a rejected release is never published");
        };
    }

    /**
     * The request's variables plus what the platform decides: PATH (to find node and npm), a HOME of the build's own (so
     * nothing from the server user's home, such as credentials in ~/.npmrc, leaks in or is written to), and npm's
     * download cache inside the app's cache directory (unless the request names one).
     */
    private Map<String, String> buildEnv(BuildRequest request, Path work) throws IOException {
        Map<String, String> env = new HashMap<>(request.env());
        env.putIfAbsent("npm_config_update_notifier", "false");
        env.putIfAbsent("npm_config_fund", "false");
        env.putIfAbsent("npm_config_audit", "false");
        env.putIfAbsent("npm_config_prefer_offline", "true");
        env.put("PATH", Objects.requireNonNullElse(System.getenv("PATH"), "/usr/local/bin:/usr/bin:/bin"));
        env.put("HOME", Files.createDirectories(work.resolve("home")).toString());
        if (!env.containsKey("npm_config_cache")) {
            env.put("npm_config_cache", Files.createDirectories(cacheDir.resolve(request.app()).resolve("npm")).toString());
        }
        env.put("CI", "true");
        return env;
    }

    private static BuildOutcome fail(BuildRequest request, String reason) {
        request.log().line(" !     " + reason);
        return new BuildOutcome.Failed(reason);
    }

    private static String redacted(Source source) {
        return GitFetcher.redact(source.describe());
    }
}
