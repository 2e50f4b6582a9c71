package io.helixstack.control;

import io.helixstack.domain.Deployment;
import io.helixstack.domain.Event;
import io.helixstack.domain.InvalidInputException;
import io.helixstack.domain.Source;
import io.helixstack.plugin.api.CommitStatus;
import io.helixstack.plugin.api.Delivery;
import io.helixstack.plugin.api.EventBus;
import io.helixstack.plugin.api.SourceProvider;
import io.helixstack.plugin.api.Subscription;
import io.helixstack.store.Store;
import io.helixstack.store.WebhookRepository;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the forge what became of the commits it sent: a durable bus consumer of the deployment events that, for a
 * deployment a webhook started, sets the commit's status (context {@code helixstack/production} or
 * {@code helixstack/preview}) through the forge's {@link SourceProvider}: pending when requested, success with the
 * production or preview URL once live, failure with the reason. A forge that is down is retried by the bus; one that
 * refuses (token, repository) is logged and skipped.
 */
public final class ForgeStatusReporter {
    /** A forge's status API: its name as in webhooks, its public API base URL, and a provider for a given base URL. */
    public record Forge(String name, String defaultApi, Function<String, SourceProvider> at) {
    }

    public static final String CONSUMER = "forge-status";
    private static final java.time.Duration STALE = java.time.Duration.ofHours(1);
    private static final Pattern FULL_SHA = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");
    private static final Map<String, String> FORGE_OF_HOST = Map.of("github.com", "github", "gitlab.com", "gitlab",
            "bitbucket.org", "bitbucket");
    private static final Logger log = LoggerFactory.getLogger(ForgeStatusReporter.class);

    private final Store store;
    private final ControlConfig config;
    private final Map<String, Forge> forges;

    public ForgeStatusReporter(Store store, ControlConfig config, List<Forge> forges) {
        this.store = store;
        this.config = config;
        this.forges = forges.stream().collect(Collectors.toUnmodifiableMap(Forge::name, f -> f));
    }

    public Subscription subscribe(EventBus bus) {
        return bus.subscribe(CONSUMER, Set.of(Event.ProductionDeploymentRequested.class, Event.PreviewDeploymentRequested.class,
                Event.DeployPromoted.class, Event.DeploymentFailed.class), this::handle);
    }

    /**
     * The forge a link reports to: the one asked for, else the one its host is known as, else null (the forge of the
     * webhooks it receives decides).
     */
    static String forge(String requested, String repositoryUrl) {
        if (requested != null && !requested.isBlank()) {
            String f = requested.strip().toLowerCase(Locale.ROOT);
            if (!FORGE_OF_HOST.containsValue(f)) {
                throw new InvalidInputException("forge: \"" + requested + "\" (expected: github, gitlab or bitbucket)");
            }
            return f;
        }
        return RepositoryUrls.key(repositoryUrl).map(key -> FORGE_OF_HOST.get(key.substring(0, key.indexOf('/')))).orElse(null);
    }

    void handle(Delivery delivery) {
        Event event = delivery.event();
        if (event.at().isBefore(java.time.Instant.now().minus(STALE))) {
            // A consumer that starts late (first start after an upgrade, a long outage) reads old events first: a commit
            // status that old has been overtaken, so it is not sent.
            return;
        }
        Optional<Deployment> found = store.deployments().find(event.deploymentId());
        if (found.isEmpty() || !found.get().trigger().startsWith("git") || !(found.get().source() instanceof Source.Git git)) {
            return; // not a commit a forge sent us
        }
        Deployment d = found.get();
        String sha = git.sha() != null ? git.sha() : git.ref();
        if (!FULL_SHA.matcher(sha).matches()) {
            return; // an abbreviated sha (Bitbucket) is reported once the build has resolved it
        }
        CommitStatus.State state;
        String url = null;
        String description;
        switch (event) {
            case Event.ProductionDeploymentRequested e -> {
                state = CommitStatus.State.PENDING;
                description = "Deploying " + d.label();
            }
            case Event.PreviewDeploymentRequested e -> {
                state = CommitStatus.State.PENDING;
                description = "Deploying the preview " + d.label();
            }
            case Event.DeployPromoted e -> {
                state = CommitStatus.State.SUCCESS;
                url = config.url(config.environmentHost(d.app(), d.environment()));
                description = d.label() + " is live";
            }
            case Event.DeploymentFailed e -> {
                state = CommitStatus.State.FAILURE;
                url = config.url(config.deploymentHost(d.app(), d.shortId()));
                description = d.label() + " failed: " + e.reason();
            }
            default -> {
                return;
            }
        }
        Optional<WebhookRepository.LinkStatus> link = store.webhooks().status(d.applicationId());
        Optional<String> token = store.webhooks().accessToken(d.applicationId());
        if (link.isEmpty() || token.isEmpty() || link.get().gitRepository() == null) {
            return; // nothing to report with: statuses need the linked repository's access token
        }
        String forgeName = Optional.ofNullable(link.get().forge()).or(() -> store.webhooks().lastForge(d.applicationId())).orElse(null);
        Forge forge = forgeName == null ? null : forges.get(forgeName);
        if (forge == null) {
            log.atInfo().addKeyValue("app", d.app()).log("Not reporting the commit status: the forge is not known (link it with forge)");
            return;
        }
        String api = link.get().statusApiUrl() != null ? link.get().statusApiUrl() : forge.defaultApi();
        CommitStatus status = new CommitStatus(link.get().gitRepository(), sha, state,
                d.isPreview() ? "helixstack/preview" : "helixstack/production", url, description, token.get());
        try {
            forge.at().apply(api).report(status);
            log.atInfo().addKeyValue("app", d.app()).addKeyValue("forge", forge.name()).addKeyValue("state", state)
                    .addKeyValue("deployment", d.label()).log("Reported the commit status");
        } catch (SourceProvider.ReportFailedException e) {
            if (e.retryable()) {
                throw e; // the bus tries again with backoff
            }
            log.atWarn().addKeyValue("app", d.app()).addKeyValue("forge", forge.name()).addKeyValue("error", e.getMessage())
                    .log("The forge refused the commit status; not retrying");
        }
    }
}
