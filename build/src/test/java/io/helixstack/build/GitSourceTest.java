package io.helixstack.build;

import static org.assertj.core.api.Assertions.assertThat;

import io.helixstack.domain.ArtifactKind;
import io.helixstack.domain.Source;
import io.helixstack.plugin.api.BuildOutcome;
import io.helixstack.plugin.api.BuildRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Git sources from a local repository made with JGit: no network. */
class GitSourceTest {
    @TempDir
    Path root;
    @TempDir
    Path repoDir;

    private final List<String> log = new CopyOnWriteArrayList<>();
    private LocalBuildService service;
    private String url;
    private RevCommit v1;
    private RevCommit v2;
    private RevCommit feature;

    @BeforeEach
    void makeRepository() throws IOException, GitAPIException {
        service = new LocalBuildService(root, Clock.systemUTC());
        url = repoDir.toUri().toString();
        try (Git git = Git.init().setDirectory(repoDir.toFile()).setInitialBranch("main").call()) {
            v1 = commit(git, "v1", "index.html", "<h1>v1</h1>");
            git.tag().setName("v1.0").setObjectId(v1).setAnnotated(true).setMessage("release 1").call();
            v2 = commit(git, "v2", "index.html", "<h1>v2</h1>");
            git.checkout().setCreateBranch(true).setName("feature").call();
            feature = commit(git, "feature", "index.html", "<h1>feature</h1>");
            git.checkout().setName("main").call();
        }
    }

    private RevCommit commit(Git git, String message, String file, String content) throws IOException, GitAPIException {
        Files.writeString(repoDir.resolve(file), content);
        git.add().addFilepattern(".").call();
        return git.commit().setMessage(message).setAuthor("Test", "test@example.com").setCommitter("Test", "test@example.com")
                .setSign(false).call();
    }

    private BuildOutcome build(String ref) {
        return service.build(new BuildRequest(UUID.randomUUID(), "site", new Source.Git(url, ref, null), Map.of(), log::add));
    }

    private BuildOutcome.Succeeded succeeded(BuildOutcome outcome) {
        assertThat(outcome).as(String.join("\n", log)).isInstanceOf(BuildOutcome.Succeeded.class);
        return (BuildOutcome.Succeeded) outcome;
    }

    private String builtIndex(BuildOutcome outcome) throws IOException {
        return Files.readString(succeeded(outcome).artifact().dir().resolve("index.html"));
    }

    @Test
    void branchBuildRecordsTheResolvedCommit() throws IOException {
        BuildOutcome outcome = build("main");

        assertThat(outcome).as(String.join("\n", log)).isInstanceOf(BuildOutcome.Succeeded.class);
        BuildOutcome.Succeeded ok = (BuildOutcome.Succeeded) outcome;
        assertThat(ok.source()).isEqualTo(new Source.Git(url, "main", v2.name()));
        assertThat(ok.artifact().metadata().source()).isEqualTo(ok.source());
        assertThat(ok.artifact().metadata().kind()).isEqualTo(ArtifactKind.STATIC);
        assertThat(builtIndex(outcome)).isEqualTo("<h1>v2</h1>");
        assertThat(ok.artifact().dir().resolve(".git")).doesNotExist();
        assertThat(log).contains("-----> Checked out " + v2.name().substring(0, 7) + " (main)");
    }

    @Test
    void tagShaAndOtherBranchCheckOutTheirCommit() throws IOException {
        BuildOutcome byTag = build("v1.0");
        assertThat(succeeded(byTag).source()).isEqualTo(new Source.Git(url, "v1.0", v1.name()));
        assertThat(builtIndex(byTag)).isEqualTo("<h1>v1</h1>");

        BuildOutcome bySha = build(v1.name());
        assertThat(succeeded(bySha).source()).isEqualTo(new Source.Git(url, v1.name(), v1.name()));
        assertThat(succeeded(bySha).artifact()).as("same tree, same artifact")
                .isEqualTo(succeeded(byTag).artifact());

        BuildOutcome byBranch = build("feature");
        assertThat(succeeded(byBranch).source()).isEqualTo(new Source.Git(url, "feature", feature.name()));
        assertThat(builtIndex(byBranch)).isEqualTo("<h1>feature</h1>");
    }

    @Test
    void unknownRefAndUnreachableRepositoryFailWithAReason() {
        assertThat(build("no-such-branch")).isInstanceOfSatisfying(BuildOutcome.Failed.class, f -> assertThat(f.reason())
                .contains("git ref \"no-such-branch\" not found", "expected: a branch, a tag or a commit sha"));

        BuildOutcome missing = service.build(new BuildRequest(UUID.randomUUID(), "site",
                new Source.Git(repoDir.resolve("nope").toUri().toString(), "main", null), Map.of(), log::add));
        assertThat(missing).isInstanceOfSatisfying(BuildOutcome.Failed.class, f -> assertThat(f.reason()).startsWith("git clone failed: "));
        assertThat(Tarballs.listing(root.resolve("tmp"))).isEmpty();
    }

    @Test
    void anAccessTokenIsOfferedToTheServerButNeverRecorded() {
        BuildRequest request = new BuildRequest(UUID.randomUUID(), "site", new Source.Git(url, "main", null), Map.of(), log::add,
                "tok-never-shown");
        BuildOutcome.Succeeded ok = succeeded(service.build(request));
        assertThat(ok.source()).isEqualTo(new Source.Git(url, "main", v2.name()));
        assertThat(request.toString()).doesNotContain("tok-never-shown");
        assertThat(log).noneMatch(l -> l.contains("tok-never-shown"));
    }

    @Test
    void credentialsInTheUrlNeverReachTheLog() {
        assertThat(GitFetcher.redact("https://user:s3cret@git.example.com/app.git@main"))
                .isEqualTo("https://***@git.example.com/app.git@main");
    }
}
