package io.helixstack.control;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.annotation.Blocking;
import com.linecorp.armeria.server.annotation.Post;
import io.helixstack.control.ForgeEvent.Action;
import io.helixstack.control.ForgeEvent.Forge;
import io.helixstack.control.ForgeEvent.RefUpdate;
import io.helixstack.domain.Application;
import io.helixstack.domain.Deployment;
import io.helixstack.domain.InvalidInputException;
import io.helixstack.domain.Source;
import io.helixstack.store.WebhookRepository;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signed webhooks from GitHub, GitLab and Bitbucket. These routes carry no bearer token ({@link TokenAuth} lets them
 * through): a delivery is trusted only once it verifies with the webhook secret of an application linked to the
 * repository it names. A push to that application's branch deploys production at the pushed commit.
 */
@Blocking
final class WebhooksApi {
    private static final Logger log = LoggerFactory.getLogger(WebhooksApi.class);

    /** The answer to a forge: overall outcome, and what happened for each application the delivery verified for. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Answer(String outcome, String reason, String deliveryId, List<Handled> applications) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Handled(String application, String outcome, String reason, UUID deploymentId) {
    }

    private final ApiContext api;

    WebhooksApi(ApiContext api) {
        this.api = api;
    }

    @Post("/webhooks/github")
    public HttpResponse github(AggregatedHttpRequest req) {
        return receive(Forge.GITHUB, req);
    }

    @Post("/webhooks/gitlab")
    public HttpResponse gitlab(AggregatedHttpRequest req) {
        return receive(Forge.GITLAB, req);
    }

    @Post("/webhooks/bitbucket")
    public HttpResponse bitbucket(AggregatedHttpRequest req) {
        return receive(Forge.BITBUCKET, req);
    }

    private HttpResponse receive(Forge forge, AggregatedHttpRequest req) {
        // The signature is over these exact bytes; the parsed JSON is only read, never re-serialised for the check.
        byte[] body = req.content().array();
        ForgeEvent event = ForgeEvents.parse(forge, req.headers(), json(forge, body));
        List<String> keys = event.repositoryUrls().stream().map(RepositoryUrls::key).flatMap(Optional::stream).distinct().toList();
        if (keys.isEmpty()) {
            return ignored(event, "the payload names no repository (expected: a repository event)");
        }
        List<WebhookRepository.Linked> linked = api.store.webhooks().linkedTo(keys);
        if (linked.isEmpty()) {
            return ignored(event, "no application is linked to " + RepositoryUrls.redact(event.repositoryUrls().getFirst())
                    + " (expected: PUT /applications/{app}/repository first)");
        }
        List<Application> verified = linked.stream().filter(l -> verifies(forge, req, body, l.webhookSecret()))
                .map(WebhookRepository.Linked::application).toList();
        if (verified.isEmpty()) {
            log.atInfo().addKeyValue("forge", forge.wireName).addKeyValue("delivery", event.deliveryId())
                    .addKeyValue("candidates", linked.size()).log("Webhook delivery refused: signature did not verify");
            throw new UnauthorizedException(signatureHeader(forge) + " missing or wrong (expected: " + signatureExpected(forge) + ")");
        }
        List<Handled> handled = verified.stream().map(app -> handle(app, event)).toList();
        Handled first = handled.stream().filter(h -> h.outcome().equals("deployed") || h.outcome().equals("removed")).findFirst()
                .orElse(handled.getFirst());
        HttpStatus status = List.of("deployed", "removed", "ignored").contains(first.outcome()) ? HttpStatus.ACCEPTED : HttpStatus.OK;
        return ApiJson.of(status, new Answer(first.outcome(), first.reason(), event.deliveryId(), handled));
    }

    /** Claims the delivery for the application (a second copy is a duplicate), then acts on it and records the outcome. */
    private Handled handle(Application app, ForgeEvent event) {
        String name = app.name().value();
        Optional<UUID> claimed = api.store.webhooks().claim(app.id(), event.forge().wireName, event.event(), event.deliveryId());
        if (claimed.isEmpty()) {
            return new Handled(name, "duplicate", "delivery " + event.deliveryId() + " was already handled", null);
        }
        UUID id = claimed.get();
        String branch = app.gitBranch() == null ? "main" : app.gitBranch();
        Handled result = switch (event.action()) {
            case Action.Ping p -> new Handled(name, "pong", null, null);
            case Action.PullRequest pr -> onPullRequest(app, branch, pr, id);
            case Action.Other o -> new Handled(name, "ignored", "event " + event.event() + " is not acted on"
                    + " (expected: a push to " + branch + ")", null);
            case Action.Push push -> onPush(app, branch, push, id);
        };
        api.store.webhooks().finish(id, result.outcome(), result.reason(), result.deploymentId());
        log.atInfo().addKeyValue("forge", event.forge().wireName).addKeyValue("event", event.event())
                .addKeyValue("delivery", event.deliveryId()).addKeyValue("app", name).addKeyValue("outcome", result.outcome())
                .addKeyValue("deployment", result.deploymentId()).log("Webhook delivery handled");
        return result;
    }

    private Handled onPush(Application app, String branch, Action.Push push, UUID deliveryId) {
        String name = app.name().value();
        String ref = "refs/heads/" + branch;
        Optional<RefUpdate> update = push.updates().stream().filter(u -> u.ref().equals(ref)).findFirst();
        if (update.isEmpty()) {
            String pushed = push.updates().stream().map(RefUpdate::ref).distinct().reduce((a, b) -> a + ", " + b).orElse("no ref");
            return new Handled(name, "ignored", "push to " + pushed + " (expected: " + ref + ", the branch " + name + " deploys)", null);
        }
        if (update.get().deleted()) {
            return new Handled(name, "ignored", "branch " + branch + " was deleted; production keeps serving", null);
        }
        String sha = update.get().sha();
        try {
            // The linked URL, not the payload's: it is the one validated at link time.
            Deployment d = api.orchestrator.deploy(app, new Source.Git(app.gitRepository(), sha, null), "git");
            return new Handled(name, "deployed", "push to " + branch + " at " + sha.substring(0, 7) + ": " + d.label(), d.id());
        } catch (RuntimeException e) {
            // Recorded before it becomes a 500, so the delivery list says what happened to the push.
            api.store.webhooks().finish(deliveryId, "failed", "could not start the deployment: " + e.getMessage(), null);
            throw e;
        }
    }

    /**
     * An opened or updated pull request into the linked branch deploys its head commit to its own preview
     * ({@code preview/<n>} at {@code pr-<n>.<app>}), superseding the preview's older commit; a closed or merged one tears
     * its preview down. The head commit is cloned from the repository it lives in (a fork's, without the linked access
     * token, which is only ever offered to the linked repository).
     */
    private Handled onPullRequest(Application app, String branch, Action.PullRequest pr, UUID deliveryId) {
        String name = app.name().value();
        String label = "preview/" + pr.number();
        if (!pr.open()) {
            String reason = "pull request #" + pr.number() + (pr.merged() ? " was merged" : " was closed");
            Optional<UUID> removed = api.orchestrator.removePreview(app, pr.number(), reason);
            return removed.map(id -> new Handled(name, "removed", label + " torn down: " + reason, id))
                    .orElseGet(() -> new Handled(name, "ignored", reason + "; it had no preview serving", null));
        }
        if (pr.targetBranch() != null && !pr.targetBranch().equals(branch)) {
            return new Handled(name, "ignored", "pull request #" + pr.number() + " targets " + pr.targetBranch()
                    + " (expected: " + branch + ", the branch " + name + " deploys)", null);
        }
        String environment = Deployment.previewEnvironment(pr.number());
        Optional<Deployment> latest = api.store.deployments().latestIn(app.id(), environment);
        if (latest.isPresent() && latest.get().source() instanceof Source.Git g && g.sha() != null && g.sha().startsWith(pr.sha())
                && latest.get().state() != io.helixstack.domain.DeploymentState.FAILED
                && latest.get().state() != io.helixstack.domain.DeploymentState.SUPERSEDED) {
            return new Handled(name, "ignored", label + " already has commit " + pr.sha().substring(0, 7), latest.get().id());
        }
        String headRepository = pr.headRepository() == null ? null : GitUrls.validOrNull(pr.headRepository());
        String repository = headRepository != null ? headRepository : app.gitRepository();
        try {
            Deployment d = api.orchestrator.deploy(app, environment, new Source.Git(repository, pr.sha(), null), "git:pull-request");
            return new Handled(name, "deployed", "pull request #" + pr.number() + " at " + pr.sha().substring(0, 7) + ": " + label,
                    d.id());
        } catch (RuntimeException e) {
            api.store.webhooks().finish(deliveryId, "failed", "could not start the preview: " + e.getMessage(), null);
            throw e;
        }
    }

    private static boolean verifies(Forge forge, AggregatedHttpRequest req, byte[] body, String secret) {
        return switch (forge) {
            case GITHUB -> WebhookSignatures.hmacSha256(body, req.headers().get("X-Hub-Signature-256"), secret);
            case BITBUCKET -> WebhookSignatures.hmacSha256(body, req.headers().get("X-Hub-Signature"), secret);
            case GITLAB -> WebhookSignatures.sameToken(req.headers().get("X-Gitlab-Token"), secret);
        };
    }

    private static String signatureHeader(Forge forge) {
        return switch (forge) {
            case GITHUB -> "X-Hub-Signature-256";
            case BITBUCKET -> "X-Hub-Signature";
            case GITLAB -> "X-Gitlab-Token";
        };
    }

    private static String signatureExpected(Forge forge) {
        return switch (forge) {
            case GITHUB, BITBUCKET -> "sha256=<hex HMAC-SHA256 of the body> with the linked application's webhook secret";
            case GITLAB -> "the linked application's webhook secret as the webhook's secret token";
        };
    }

    private static JsonNode json(Forge forge, byte[] body) {
        if (body.length == 0) {
            throw new InvalidInputException(forge.wireName + " webhook body: empty (expected: the forge's JSON payload)");
        }
        try {
            return ApiJson.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(forge.wireName + " webhook body: malformed JSON at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + " (expected: the forge's JSON payload; set the webhook's"
                    + " content type to application/json)");
        } catch (java.io.IOException e) {
            throw new InvalidInputException(forge.wireName + " webhook body: unreadable (" + e.getMessage() + ")");
        }
    }

    private static HttpResponse ignored(ForgeEvent event, String reason) {
        log.atInfo().addKeyValue("forge", event.forge().wireName).addKeyValue("event", event.event())
                .addKeyValue("delivery", event.deliveryId()).addKeyValue("reason", reason).log("Webhook delivery ignored");
        return ApiJson.of(HttpStatus.ACCEPTED, new Answer("ignored", reason, event.deliveryId(), List.of()));
    }
}
