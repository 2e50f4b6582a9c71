package io.helixstack.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helixstack.domain.ArtifactKind;
import io.helixstack.domain.ArtifactMetadata;
import io.helixstack.domain.InvalidInputException;
import io.helixstack.domain.Source;
import io.helixstack.domain.TooLargeException;
import io.helixstack.plugin.api.Artifact;
import io.helixstack.plugin.api.BuildOutcome;
import io.helixstack.plugin.api.BuildRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalBuildServiceTest {
    private static final long LIMIT = 10_000_000;

    @TempDir
    Path root;
    @TempDir
    Path tmp;

    private final Clock clock = Clock.fixed(Instant.parse("2025-03-01T12:00:00Z"), ZoneOffset.UTC);
    private final List<String> log = new CopyOnWriteArrayList<>();

    private LocalBuildService service() {
        return new LocalBuildService(root, clock);
    }

    private Source.Upload upload(LocalBuildService service, byte[] tarGz) {
        return service.acceptUpload(new ByteArrayInputStream(tarGz), LIMIT);
    }

    private BuildOutcome build(LocalBuildService service, String app, Source source) {
        return service.build(new BuildRequest(UUID.randomUUID(), app, source, Map.of(), log::add));
    }

    private void assertNothingKept() {
        assertThat(Tarballs.listing(root.resolve("uploads"))).isEmpty();
        assertThat(Tarballs.listing(root.resolve("tmp"))).isEmpty();
    }

    @Test
    void acceptedUploadIsStoredUnderTheSha256OfItsBytes() throws Exception {
        byte[] tarGz = Tarballs.of(Examples.dir("static-site"));
        Source.Upload upload = upload(service(), tarGz);

        String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(tarGz));
        assertThat(upload.digest()).isEqualTo("sha256:" + hex);
        assertThat(root.resolve("uploads").resolve(hex + ".tar.gz")).hasBinaryContent(tarGz);
        assertThat(Tarballs.listing(root.resolve("tmp"))).isEmpty();
    }

    @Test
    void everyExampleIsAccepted() {
        LocalBuildService service = service();
        for (String example : List.of("hello-node", "express-app", "static-site")) {
            assertThat(upload(service, Tarballs.of(Examples.dir(example))).digest()).as(example).startsWith("sha256:");
        }
        assertThat(upload(service, Tarballs.of(Examples.dir("static-site"), "")).digest()).as("without ./ prefix").startsWith("sha256:");
    }

    @Test
    void oversizedUploadIsRejectedWithItsOwnExceptionAndNothingKept() {
        byte[] tarGz = Tarballs.of(Examples.dir("static-site"));
        assertThatThrownBy(() -> service().acceptUpload(new ByteArrayInputStream(tarGz), 100))
                .isInstanceOf(UploadTooLargeException.class)
                .isInstanceOf(TooLargeException.class)
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("limit of 100 bytes")
                .satisfies(e -> assertThat(((UploadTooLargeException) e).limitBytes()).isEqualTo(100));
        assertNothingKept();
    }

    @Test
    void uploadNoBuildpackDetectsIsRejectedSayingWhatIsExpected() {
        byte[] tarGz = Tarballs.builder().file("./main.py", "print(1)").file("./README.md", "# hi").build();
        assertThatThrownBy(() -> upload(service(), tarGz))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("no buildpack detected this source: found README.md, main.py")
                .hasMessageContaining("expected: a package.json, or an index.html at the root or in dist/, build/, out/, public/");
        assertNothingKept();
    }

    @Test
    void uploadOfAnUnusableNodeAppIsRejectedWithTheReason() {
        byte[] tarGz = Tarballs.builder().file("package.json", "{\"name\":\"lib\"}").build();
        assertThatThrownBy(() -> upload(service(), tarGz))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("package.json has nothing to start or build");
        assertNothingKept();
    }

    @Test
    void maliciousUploadIsRejectedAndNothingKept() {
        byte[] tarGz = Tarballs.builder().file("index.html", "x").symlink("secrets", "../../../etc").build();
        assertThatThrownBy(() -> upload(service(), tarGz))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("entry \"secrets\"");
        assertNothingKept();
    }

    @Test
    void staticUploadBuildsToAStaticArtifactThatIsReadBack() {
        LocalBuildService service = service();
        Source.Upload source = upload(service, Tarballs.of(Examples.dir("static-site")));

        BuildOutcome outcome = build(service, "site", source);

        assertThat(outcome).isInstanceOf(BuildOutcome.Succeeded.class);
        Artifact artifact = ((BuildOutcome.Succeeded) outcome).artifact();
        assertThat(((BuildOutcome.Succeeded) outcome).source()).isEqualTo(source);
        ArtifactMetadata m = artifact.metadata();
        assertThat(m.digest()).matches("sha256:[0-9a-f]{64}");
        assertThat(m.kind()).isEqualTo(ArtifactKind.STATIC);
        assertThat(m.staticRoot()).isEqualTo(".");
        assertThat(m.buildpack()).isEqualTo("static");
        assertThat(m.createdAt()).isEqualTo(clock.instant());
        assertThat(artifact.dir()).isEqualTo(root.resolve("artifacts").resolve(m.digest().substring(7)).resolve("app"));
        assertThat(artifact.dir().resolve("index.html")).exists();
        assertThat(root.resolve("artifacts").resolve(m.digest().substring(7)).resolve("metadata.json")).exists();
        assertThat(log).contains("-----> Detected static site (index.html)").anyMatch(l -> l.startsWith("-----> Artifact sha256:"));

        assertThat(service.artifact(m.digest())).contains(artifact);
        assertThat(new LocalBuildService(root, clock).artifact(m.digest())).as("read back by a new service").contains(artifact);
        assertThat(service.artifact("sha256:" + "0".repeat(64))).isEmpty();
        assertThat(service.artifact("../etc")).isEmpty();
        assertThat(Tarballs.listing(root.resolve("tmp"))).as("work directories removed").isEmpty();
    }

    @Test
    void identicalSecondBuildReusesTheArtifact() {
        LocalBuildService service = service();
        Source.Upload source = upload(service, Tarballs.of(Examples.dir("static-site")));
        Artifact first = ((BuildOutcome.Succeeded) build(service, "site", source)).artifact();
        Artifact second = ((BuildOutcome.Succeeded) build(service, "site", source)).artifact();

        assertThat(second).isEqualTo(first);
        assertThat(Tarballs.listing(root.resolve("artifacts")).stream().filter(p -> !p.contains("/"))).hasSize(1);
        assertThat(log).anyMatch(l -> l.contains("identical to an earlier build: reused"));
    }

    @Test
    void nodeAppWhoseBuildWritesDistIsServedStatically() throws IOException {
        Path app = Tarballs.write(Files.createDirectories(tmp.resolve("spa")),
                "package.json", "{\"name\":\"spa\",\"scripts\":{\"build\":\"node build.js\"}}",
                "build.js", "const fs = require('fs'); fs.mkdirSync('dist', {recursive: true});"
                        + " fs.writeFileSync('dist/index.html', '<h1>built</h1>');");
        LocalBuildService service = service();

        BuildOutcome outcome = build(service, "spa", upload(service, Tarballs.of(app)));

        assertThat(outcome).isInstanceOf(BuildOutcome.Succeeded.class);
        Artifact artifact = ((BuildOutcome.Succeeded) outcome).artifact();
        assertThat(artifact.metadata().kind()).isEqualTo(ArtifactKind.STATIC);
        assertThat(artifact.metadata().staticRoot()).isEqualTo("dist");
        assertThat(artifact.metadata().buildpack()).isEqualTo("node");
        assertThat(artifact.dir().resolve("dist/index.html")).hasContent("<h1>built</h1>");
        assertThat(log).contains("-----> Detected Node.js app (npm, no lockfile)", "-----> Running build", "-----> Release: static files from dist/");
    }

    @Test
    void helloNodeBuildsToAServerArtifact() {
        LocalBuildService service = service();
        BuildOutcome outcome = build(service, "hello", upload(service, Tarballs.of(Examples.dir("hello-node"))));

        ArtifactMetadata m = ((BuildOutcome.Succeeded) outcome).artifact().metadata();
        assertThat(m.kind()).isEqualTo(ArtifactKind.SERVER);
        assertThat(m.startCommand()).isEqualTo("node server.js");
        assertThat(m.env()).containsEntry("NODE_ENV", "production");
        assertThat(service.artifact(m.digest()).orElseThrow().metadata()).isEqualTo(m);
    }

    @Test
    void failedBuildIsAnOutcomeNotAnException() throws IOException {
        Path app = Tarballs.write(Files.createDirectories(tmp.resolve("broken")),
                "package.json", "{\"scripts\":{\"build\":\"node -e \\\"process.exit(3)\\\"\",\"start\":\"node a.js\"}}");
        LocalBuildService service = service();

        BuildOutcome outcome = build(service, "broken", upload(service, Tarballs.of(app)));

        assertThat(outcome).isEqualTo(new BuildOutcome.Failed("build script failed with exit code 3"));
        assertThat(log).contains(" !     build script failed with exit code 3");
        assertThat(Tarballs.listing(root.resolve("tmp"))).isEmpty();
        assertThat(Tarballs.listing(root.resolve("artifacts"))).isEmpty();
    }

    @Test
    void buildThatLinksOutsideTheAppIsRejected() throws IOException {
        Path app = Tarballs.write(Files.createDirectories(tmp.resolve("sneaky")),
                "package.json", "{\"scripts\":{\"build\":\"node build.js\",\"start\":\"node a.js\"}}",
                "build.js", "require('fs').symlinkSync('/etc', 'etc');");
        LocalBuildService service = service();

        BuildOutcome outcome = build(service, "sneaky", upload(service, Tarballs.of(app)));

        assertThat(outcome).isInstanceOfSatisfying(BuildOutcome.Failed.class,
                f -> assertThat(f.reason()).startsWith("artifact rejected: symlink \"etc\" -> \"/etc\""));
        assertThat(Tarballs.listing(root.resolve("artifacts"))).isEmpty();
    }

    @Test
    void unknownUploadAndBadAppNameFail() {
        LocalBuildService service = service();
        assertThat(build(service, "site", new Source.Upload("sha256:" + "a".repeat(64))))
                .isInstanceOfSatisfying(BuildOutcome.Failed.class, f -> assertThat(f.reason()).contains("not found"));
        assertThat(build(service, "../evil", new Source.Upload("sha256:" + "a".repeat(64))))
                .isInstanceOfSatisfying(BuildOutcome.Failed.class, f -> assertThat(f.reason()).startsWith("app: \"../evil\""));
    }

    @Test
    void buildsBeyondTheConcurrencyWaitForASlotAndSayWhy() throws Exception {
        java.util.concurrent.CountDownLatch firstCompiling = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
        io.helixstack.plugin.tck.FakeBuildpack fake = new io.helixstack.plugin.tck.FakeBuildpack();
        io.helixstack.plugin.api.Buildpack blocking = new io.helixstack.plugin.api.Buildpack() {
            @Override
            public String name() {
                return "blocking";
            }

            @Override
            public io.helixstack.plugin.api.Detection detect(Path appDir) {
                return fake.detect(appDir);
            }

            @Override
            public io.helixstack.plugin.api.Release release(io.helixstack.plugin.api.BuildContext ctx) {
                return fake.release(ctx);
            }

            @Override
            public io.helixstack.plugin.api.StepResult compile(io.helixstack.plugin.api.BuildContext ctx) {
                most.accumulateAndGet(running.incrementAndGet(), Math::max);
                firstCompiling.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                running.decrementAndGet();
                return fake.compile(ctx);
            }
        };
        LocalBuildService service = new LocalBuildService(root, List.of(blocking), ProcessCommandRunner::new, clock, 1);
        Source first = upload(service, Tarballs.of(Tarballs.write(tmp.resolve("one"), io.helixstack.plugin.tck.FakeBuildpack.MARKER, "one")));
        Source second = upload(service, Tarballs.of(Tarballs.write(tmp.resolve("two"), io.helixstack.plugin.tck.FakeBuildpack.MARKER, "two")));
        List<String> secondLog = new CopyOnWriteArrayList<>();

        try (var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            var a = executor.submit(() -> service.build(new BuildRequest(UUID.randomUUID(), "app-a", first, Map.of(), log::add)));
            firstCompiling.await();
            var b = executor.submit(() -> service.build(new BuildRequest(UUID.randomUUID(), "app-b", second, Map.of(), secondLog::add)));
            org.awaitility.Awaitility.await().untilAsserted(() -> assertThat(secondLog).anySatisfy(l ->
                    assertThat(l).startsWith("-----> Waiting for a build slot (1 build at a time")));
            release.countDown();

            assertThat(a.get()).isInstanceOf(BuildOutcome.Succeeded.class);
            assertThat(b.get()).isInstanceOf(BuildOutcome.Succeeded.class);
        }
        assertThat(most.get()).as("builds compiling at once").isEqualTo(1);
        assertThatThrownBy(() -> new LocalBuildService(root, List.of(blocking), ProcessCommandRunner::new, clock, 0))
                .hasMessageContaining("expected: at least 1");
    }
}
