package io.helixstack.control;

import io.helixstack.domain.AppName;
import io.helixstack.domain.Application;
import io.helixstack.domain.Deployment;
import io.helixstack.domain.DeploymentState;
import io.helixstack.domain.InvalidInputException;
import io.helixstack.domain.Source;
import io.helixstack.store.BuildRepository;
import io.helixstack.store.ConflictException;
import io.helixstack.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.eclipse.jgit.transport.ReceivePack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code git push helix main}: each application has a bare repository under {@code <root>/<app>.git} (created with the
 * application on the first push, as {@code helix deploy} does). A push is deployed before its refs move, Heroku style:
 * the production branch ({@code git_branch}, else main or master) to production, any other branch to a branch preview at
 * {@code <branch>.<app>.<base-domain>}; the build log streams to the pusher as {@code remote:} lines, and a failed
 * deployment rejects the push with the reason, so {@code git push} itself fails. Tags and deletions are taken as they are.
 */
final class GitPushes {
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Logger log = LoggerFactory.getLogger(GitPushes.class);

    private final Store store;
    private final DeploymentOrchestrator orchestrator;
    private final ControlConfig config;
    private final Path root;
    private final Clock clock;
    private final Duration deployTimeout;

    GitPushes(Store store, DeploymentOrchestrator orchestrator, ControlConfig config, Path root, Clock clock, Duration deployTimeout) {
        this.store = store;
        this.orchestrator = orchestrator;
        this.config = config;
        this.root = root;
        this.clock = clock;
        this.deployTimeout = deployTimeout;
    }

    /**
     * The application a repository path names ({@code hello.git}, {@code /hello.git}, {@code /git/hello.git}, {@code hello}).
     *
     * @throws InvalidInputException for a path that names no valid application
     */
    static AppName appOf(String repositoryPath) {
        String p = repositoryPath.strip().replaceAll("^'|'$", "").replaceAll("^/+", "").replaceAll("/+$", "");
        if (p.startsWith("git/")) {
            p = p.substring(4);
        }
        if (p.endsWith(".git")) {
            p = p.substring(0, p.length() - 4);
        }
        return AppName.of(p);
    }

    /** The team's application of that name, created (in the team's default project) when it does not exist yet. */
    Application application(UUID team, AppName name) {
        Optional<Application> found = store.applications().find(team, name.value());
        if (found.isPresent()) {
            return found.get();
        }
        try {
            return store.applications().create(store.projects().findOrCreate(team, "default").id(), name, null, null);
        } catch (ConflictException e) {
            // Another push or an API call created it meanwhile (or another team owns the name: then it stays hidden).
            return store.applications().find(team, name.value()).orElseThrow(() -> e);
        }
    }

    /** The application's bare repository, created on first use. */
    Repository repository(Application app) {
        Path dir = root.resolve(app.name().value() + ".git");
        try {
            Files.createDirectories(root);
            Repository repo = FileRepositoryBuilder.create(dir.toFile());
            if (!Files.exists(dir.resolve("HEAD"))) {
                repo.create(true);
                // HEAD names the production branch, so a clone checks out what production runs.
                repo.updateRef(org.eclipse.jgit.lib.Constants.HEAD).link("refs/heads/"
                        + (app.gitBranch() != null ? app.gitBranch() : "main"));
            }
            return repo;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the git repository of " + app.name() + " at " + dir + ": " + e.getMessage(), e);
        }
    }

    /** A receive-pack for one push to the application's repository, deploying before it updates refs. */
    ReceivePack receivePack(Application app, Repository repo) {
        ReceivePack rp = new ReceivePack(repo);
        rp.setAllowNonFastForwards(true); // like `git push --force` to Heroku: the pushed commit is what gets deployed
        rp.setAllowDeletes(true);
        rp.setPreReceiveHook((pack, commands) -> deployAll(app, repo, pack, commands));
        return rp;
    }

    private void deployAll(Application app, Repository repo, ReceivePack rp, Collection<ReceiveCommand> commands) {
        for (ReceiveCommand cmd : commands) {
            if (cmd.getResult() != ReceiveCommand.Result.NOT_ATTEMPTED || !cmd.getRefName().startsWith("refs/heads/")) {
                continue;
            }
            String branch = cmd.getRefName().substring("refs/heads/".length());
            if (cmd.getType() == ReceiveCommand.Type.DELETE) {
                removeBranchPreview(app, rp, branch);
                continue;
            }
            try {
                deploy(app, repo, rp, cmd, branch);
            } catch (RuntimeException e) {
                log.atError().setCause(e).addKeyValue("app", app.name()).log("Push deployment failed unexpectedly");
                cmd.setResult(ReceiveCommand.Result.REJECTED_OTHER_REASON, "HelixStack could not deploy it: " + e.getMessage());
            }
        }
    }

    private void deploy(Application app, Repository repo, ReceivePack rp, ReceiveCommand cmd, String branch) {
        String productionBranch = app.gitBranch() != null ? app.gitBranch() : "main";
        boolean production = branch.equals(productionBranch) || app.gitBranch() == null && branch.equals("master");
        String environment;
        try {
            environment = production ? Deployment.PRODUCTION : Deployment.branchEnvironment(branch);
        } catch (InvalidInputException e) {
            cmd.setResult(ReceiveCommand.Result.REJECTED_OTHER_REASON, e.getMessage());
            return;
        }
        ObjectId commit = cmd.getNewId();
        // The commit is in the repository but no ref points at it until this hook returns: a ref of our own lets the
        // build clone it, and goes away afterwards.
        String incoming = "refs/heads/helix-incoming/" + commit.name();
        setRef(repo, incoming, commit);
        try {
            message(rp, "HelixStack: deploying " + branch + " (" + commit.abbreviate(7).name() + ") of " + app.name() + " to "
                    + (production ? "production" : config.url(config.environmentHost(app.name().value(), environment))));
            Deployment d = orchestrator.deploy(app, environment, new Source.Git(repo.getDirectory().toURI().toString(), commit.name(),
                    null), "git:push");
            Deployment end = follow(rp, d);
            switch (end.state()) {
                case LIVE -> message(rp, "HelixStack: " + end.label() + " is live at "
                        + config.url(config.environmentHost(end.app(), end.environment())));
                case SUPERSEDED -> message(rp, "HelixStack: " + end.label() + " was superseded by a newer deployment");
                default -> {
                    String reason = end.failureReason() != null ? end.failureReason() : end.state().wireName();
                    message(rp, "HelixStack: " + end.label() + " failed: " + reason);
                    cmd.setResult(ReceiveCommand.Result.REJECTED_OTHER_REASON, "deploy failed: " + firstLine(reason));
                }
            }
        } finally {
            deleteRef(repo, incoming);
        }
    }

    /** A deleted branch other than production's takes its branch preview with it; production is never removed by a push. */
    private void removeBranchPreview(Application app, ReceivePack rp, String branch) {
        String productionBranch = app.gitBranch() != null ? app.gitBranch() : "main";
        if (branch.equals(productionBranch) || app.gitBranch() == null && branch.equals("master")) {
            message(rp, "HelixStack: " + branch + " deleted; production keeps serving");
            return;
        }
        String environment;
        try {
            environment = Deployment.branchEnvironment(branch);
        } catch (InvalidInputException e) {
            return;
        }
        orchestrator.removePreview(app, environment, "branch " + branch + " was deleted")
                .ifPresent(id -> message(rp, "HelixStack: the preview of " + branch + " was removed"));
    }

    /** Streams the build log and waits until the deployment is live, failed or superseded (or the timeout passes). */
    private Deployment follow(ReceivePack rp, Deployment d) {
        int seq = 0;
        Instant deadline = clock.instant().plus(deployTimeout);
        while (true) {
            for (BuildRepository.LogLine line : store.builds().logOfDeployment(d.id(), seq, 500)) {
                message(rp, line.line());
                seq = line.seq();
            }
            Deployment now = store.deployments().find(d.id()).orElseThrow();
            if (now.state() == DeploymentState.LIVE || now.state() == DeploymentState.FAILED
                    || now.state() == DeploymentState.SUPERSEDED || now.state() == DeploymentState.ROLLED_BACK) {
                for (BuildRepository.LogLine line : store.builds().logOfDeployment(d.id(), seq, 10_000)) {
                    message(rp, line.line());
                }
                return now;
            }
            if (clock.instant().isAfter(deadline)) {
                message(rp, "HelixStack: still " + now.state().wireName() + " after " + deployTimeout.toMinutes()
                        + " min; `helix deployments --app " + now.app() + "` shows how it ends");
                return now;
            }
            try {
                Thread.sleep(POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return now;
            }
        }
    }

    private static void message(ReceivePack rp, String line) {
        rp.sendMessage(line);
        try {
            rp.getMessageOutputStream().flush();
        } catch (IOException e) {
            // The pusher went away; the deployment carries on regardless.
        }
    }

    private static String firstLine(String text) {
        int nl = text.indexOf('\n');
        String line = nl < 0 ? text : text.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }

    private static void setRef(Repository repo, String name, ObjectId id) {
        try {
            RefUpdate update = repo.updateRef(name);
            update.setNewObjectId(id);
            update.forceUpdate();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + name + ": " + e.getMessage(), e);
        }
    }

    private static void deleteRef(Repository repo, String name) {
        try {
            RefUpdate update = repo.updateRef(name);
            update.setForceUpdate(true);
            update.delete();
        } catch (IOException e) {
            log.atWarn().addKeyValue("ref", name).addKeyValue("error", e.getMessage()).log("Could not delete a temporary ref");
        }
    }
}
