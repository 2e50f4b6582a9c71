package io.helixstack.build;

import io.helixstack.domain.Source;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.errors.RevisionSyntaxException;
import org.eclipse.jgit.api.errors.JGitInternalException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.TagOpt;

/**
 * Checks out a git source with JGit (no git binary needed) at a branch, tag or commit, and reports the exact commit, so
 * that the deployment records what was really built even when a branch moves on afterwards.
 */
final class GitFetcher {
    static final int CLONE_STALL_SECONDS = 120;
    private static final Pattern USER_INFO = Pattern.compile("(?<=://)[^/@]+@");

    private GitFetcher() {
    }

    /** Clones into {@code dest} (which must not exist or be empty), checks out {@code ref} detached, and returns its sha. */
    static String checkout(Source.Git source, Path dest) throws FetchFailedException {
        return checkout(source, dest, null);
    }

    /**
     * As {@link #checkout(Source.Git, Path)}, authenticating with {@code accessToken} when given: HTTP basic auth with the
     * token as password, which GitHub ({@code x-access-token}), GitLab and Bitbucket accept for their access tokens.
     */
    static String checkout(Source.Git source, Path dest, String accessToken) throws FetchFailedException {
        String url = redact(source.url());
        // init + fetch rather than clone: a clone insists on the remote's HEAD, which a repository with no default branch
        // yet (a first push, an unusual forge default) does not have; what is built is named by the ref, not HEAD.
        try (Git git = Git.init().setDirectory(dest.toFile()).setInitialBranch("helix-build").call()) {
            git.fetch()
                    .setRemote(source.url())
                    .setRefSpecs(new RefSpec("+refs/heads/*:refs/remotes/origin/*"))
                    .setCredentialsProvider(accessToken == null ? null
                            : new org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider("x-access-token", accessToken))
                    // Seconds without progress before a stalled server fails the build instead of holding it forever.
                    .setTimeout(CLONE_STALL_SECONDS)
                    .setTagOpt(TagOpt.FETCH_TAGS)
                    .call();
            ObjectId commit = resolve(git.getRepository(), source.ref())
                    .orElseThrow(() -> new FetchFailedException("git ref \"" + source.ref() + "\" not found in " + url
                            + " (expected: a branch, a tag or a commit sha)"));
            // A hard reset rather than a checkout: the fresh repository's work tree is empty, which a checkout of
            // another commit takes for local deletions in conflict. The clone is thrown away after the build anyway.
            git.reset().setMode(ResetCommand.ResetType.HARD).setRef(commit.name()).call();
            return commit.name();
        } catch (GitAPIException | JGitInternalException e) {
            throw new FetchFailedException("git clone failed: " + redact(String.valueOf(e.getMessage()).replace(source.url(), url)));
        } catch (IOException e) {
            throw new FetchFailedException("git checkout failed: " + e.getMessage());
        }
    }

    /** A URL fit for logs: {@code https://token@host/…} loses its credentials. */
    static String redact(String text) {
        return USER_INFO.matcher(text).replaceAll("***@");
    }

    private static Optional<ObjectId> resolve(Repository repo, String ref) throws IOException {
        for (String candidate : List.of("refs/remotes/origin/" + ref, "refs/tags/" + ref, ref)) {
            try {
                ObjectId id = repo.resolve(candidate + "^{commit}");
                if (id != null) {
                    return Optional.of(id);
                }
            } catch (RevisionSyntaxException | IOException notThisOne) {
                // An ambiguous short sha or a ref name with odd characters: try the next reading of the ref.
            }
        }
        return Optional.empty();
    }
}
