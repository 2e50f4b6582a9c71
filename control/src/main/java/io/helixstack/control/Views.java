package io.helixstack.control;

import com.fasterxml.jackson.databind.JsonNode;
import io.helixstack.domain.Application;
import io.helixstack.domain.ArtifactMetadata;
import io.helixstack.domain.Deployment;
import io.helixstack.domain.Project;
import io.helixstack.store.SourceJson;
import io.helixstack.store.Store;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** What the API shows of projects, applications and deployments. */
final class Views {
    record ProjectView(UUID id, String name, Instant createdAt) {
    }

    record ProjectDetail(UUID id, String name, Instant createdAt, List<ApplicationView> applications) {
    }

    record ApplicationView(UUID id, String name, UUID projectId, String url, String currentBackend, UUID liveDeploymentId,
                           String liveLabel, String gitRepository, String gitBranch, String healthPath, Instant createdAt) {
    }

    record ApplicationCreated(UUID id, String name, UUID projectId, String url, String currentBackend, UUID liveDeploymentId,
                              String gitRepository, String gitBranch, Instant createdAt, List<DeploymentView> deployments) {
    }

    record DeploymentView(UUID id, UUID applicationId, String app, int number, String label, String environment, String state,
                          JsonNode source, String sourceDescription, String artifactDigest, String buildpack, String url,
                          String environmentUrl,
                          String failureReason, String trigger, Instant createdAt, Instant updatedAt) {
    }

    private final Store store;
    private final ControlConfig config;
    private final DeploymentOrchestrator orchestrator;

    Views(Store store, ControlConfig config, DeploymentOrchestrator orchestrator) {
        this.store = store;
        this.config = config;
        this.orchestrator = orchestrator;
    }

    ProjectView project(Project p) {
        return new ProjectView(p.id(), p.name(), p.createdAt());
    }

    ApplicationView application(Application a) {
        Optional<UUID> live = store.applications().liveDeployment(a.id(), Deployment.PRODUCTION);
        String liveLabel = live.flatMap(store.deployments()::find).map(Deployment::label).orElse(null);
        return new ApplicationView(a.id(), a.name().value(), a.projectId(), config.url(config.productionHost(a.name().value())),
                a.currentBackend(), live.orElse(null), liveLabel, a.gitRepository(), a.gitBranch(), a.healthPath(), a.createdAt());
    }

    ApplicationCreated created(Application a, List<Deployment> deployments) {
        return new ApplicationCreated(a.id(), a.name().value(), a.projectId(), config.url(config.productionHost(a.name().value())),
                a.currentBackend(), null, a.gitRepository(), a.gitBranch(), a.createdAt(), deployments.stream().map(this::deployment).toList());
    }

    DeploymentView deployment(Deployment d) {
        String buildpack = d.artifactDigest() == null ? null
                : store.deployments().artifact(d.artifactDigest()).map(ArtifactMetadata::buildpack).orElse(null);
        return new DeploymentView(d.id(), d.applicationId(), d.app(), d.number(), d.label(), d.environment(), d.state().wireName(),
                SourceJson.toNode(d.source()), d.source().describe(), d.artifactDigest(), buildpack,
                config.url(config.deploymentHost(d.app(), d.shortId())), config.url(config.environmentHost(d.app(), d.environment())),
                d.failureReason(), d.trigger(), d.createdAt(), d.updatedAt());
    }
}
