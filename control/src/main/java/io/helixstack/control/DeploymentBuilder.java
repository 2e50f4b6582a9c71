package io.helixstack.control;

import io.helixstack.domain.Application;
import io.helixstack.domain.Deployment;
import io.helixstack.domain.DeploymentState;
import io.helixstack.domain.Event;
import io.helixstack.domain.Source;
import io.helixstack.plugin.api.Artifact;
import io.helixstack.plugin.api.BuildOutcome;
import io.helixstack.plugin.api.BuildRequest;
import io.helixstack.plugin.api.BuildService;
import io.helixstack.store.Store;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The build step of a deployment, wherever it runs (in the server that took the deployment, or in a build worker of its
 * own): claims the deployment ({@code queued → building}, so one builder wins), builds its source with the variables of
 * its environment, and records the outcome — the artifact ({@code built}, {@code deployment.built}) or the failure.
 */
final class DeploymentBuilder {
    private static final Logger log = LoggerFactory.getLogger(DeploymentBuilder.class);
    static final Set<DeploymentState> IN_FLIGHT =
            EnumSet.of(DeploymentState.QUEUED, DeploymentState.BUILDING, DeploymentState.BUILT, DeploymentState.DEPLOYING);

    private final Store store;
    private final BuildService builds;
    private final Clock clock;

    DeploymentBuilder(Store store, BuildService builds, Clock clock) {
        this.store = store;
        this.builds = builds;
        this.clock = clock;
    }

    /**
     * Builds a queued deployment.
     *
     * @return the artifact when this call built it; empty when the deployment was not queued (another builder has it, or
     *     it moved on) or when the build failed (then the deployment is failed with the reason)
     */
    Optional<Artifact> build(Application app, Deployment d) {
        if (!store.deployments().transition(d.id(), Set.of(DeploymentState.QUEUED), DeploymentState.BUILDING, null, null)) {
            return Optional.empty();
        }
        UUID buildId = store.builds().start(d.id(), d.source().describe());
        log.atInfo().addKeyValue("deployment", d.id()).addKeyValue("app", d.app()).log("Building");
        Map<String, String> env = environment(store, app, d);
        // The linked token is offered only to the linked repository, never to a fork a pull request comes from.
        String token = d.source() instanceof Source.Git g && sameRepository(g.url(), app.gitRepository())
                ? store.webhooks().accessToken(app.id()).orElse(null) : null;
        List<String> secrets = new ArrayList<>(env.values());
        if (token != null) {
            secrets.add(token);
        }
        BuildOutcome outcome = builds.build(new BuildRequest(buildId, d.app(), d.source(), env,
                new BuildLogWriter(store.builds(), buildId, clock, secrets), token));
        return switch (outcome) {
            case BuildOutcome.Failed f -> {
                store.builds().failed(buildId, d.id(), f.reason());
                fail(d.id(), "build failed: " + f.reason());
                yield Optional.empty();
            }
            case BuildOutcome.Succeeded s -> {
                // The artifact is recorded either way (the build record refers to it).
                boolean recorded = store.deployments().markBuilt(d.id(), s.source(), s.artifact().metadata());
                store.builds().succeeded(buildId, d.id(), s.artifact().digest());
                if (!recorded) {
                    // Another builder took it over meanwhile (this one had gone silent too long), or it was cancelled.
                    log.atWarn().addKeyValue("deployment", d.id()).log("Built, but the deployment moved on meanwhile; not releasing");
                    yield Optional.empty();
                }
                log.atInfo().addKeyValue("deployment", d.id()).addKeyValue("artifact", s.artifact().digest()).log("Built");
                yield Optional.of(s.artifact());
            }
        };
    }

    /**
     * The variables a deployment gets: production's for production; the shared {@code preview} environment's for every
     * pull-request preview, so production secrets never reach code from a pull request.
     */
    static Map<String, String> environment(Store store, Application app, Deployment d) {
        String from = d.usesPreviewVariables() ? Deployment.PREVIEW : d.environment();
        return store.envVars().get(store.applications().environmentId(app.id(), from));
    }

    void fail(UUID deploymentId, String reason) {
        store.deployments().transition(deploymentId, IN_FLIGHT, DeploymentState.FAILED, reason,
                new Event.DeploymentFailed(deploymentId, reason, clock.instant()));
        log.atInfo().addKeyValue("deployment", deploymentId).addKeyValue("reason", reason).log("Deployment failed");
    }

    private static boolean sameRepository(String url, String linked) {
        return linked != null && RepositoryUrls.key(url).isPresent() && RepositoryUrls.key(url).equals(RepositoryUrls.key(linked));
    }
}
