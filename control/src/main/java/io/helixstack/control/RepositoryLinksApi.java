package io.helixstack.control;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.annotation.Blocking;
import com.linecorp.armeria.server.annotation.Default;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Put;
import io.helixstack.domain.Application;
import io.helixstack.domain.InvalidInputException;
import io.helixstack.store.WebhookRepository;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Linking an application to its forge repository, and the webhook deliveries it received. */
@Blocking
final class RepositoryLinksApi {
    private static final Logger log = LoggerFactory.getLogger(RepositoryLinksApi.class);
    private static final int MIN_SECRET = 16;
    private static final int MAX_SECRET = 256;
    private static final int MAX_TOKEN = 4096;

    record LinkRequest(String gitRepository, String gitBranch, String webhookSecret, String accessToken, String forge,
                       String statusApiUrl) {
        // Never print the secrets (an exception message or a debug log may show the request).
        @Override
        public String toString() {
            return "LinkRequest[gitRepository=" + gitRepository + ", gitBranch=" + gitBranch + "]";
        }
    }

    record WebhookUrls(String github, String gitlab, String bitbucket) {
    }

    /** {@code webhookSecret} is present only in the answer to the link that generated it: it is shown that once. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record RepositoryView(String application, String gitRepository, String gitBranch, boolean webhookSecretSet,
                          boolean accessTokenSet, WebhookUrls webhookUrls, Instant updatedAt, String webhookSecret, String forge,
                          String statusApiUrl) {
    }

    record DeliveryView(UUID id, String forge, String event, String deliveryId, String outcome, String reason, UUID deploymentId,
                        Instant receivedAt) {
    }

    private final ApiContext api;
    private final SecureRandom random = new SecureRandom();

    RepositoryLinksApi(ApiContext api) {
        this.api = api;
    }

    @Put("/applications/{app}/repository")
    public HttpResponse link(@Param("app") String appName, String body) {
        Application app = api.application(appName);
        LinkRequest req = ApiJson.read(body, LinkRequest.class,
                "{\"git_repository\":\"https://github.com/acme/shop.git\",\"git_branch\":\"main\"}");
        String repo = GitUrls.validOrNull(req.gitRepository());
        if (repo == null) {
            throw new InvalidInputException("git_repository: missing (expected: the repository's URL, e.g. https://github.com/acme/shop.git)");
        }
        if (repo.matches("[a-z+]+://[^/@]*:[^/@]*@.*")) {
            throw new InvalidInputException("git_repository: contains a password (expected: the URL without credentials;"
                    + " give a token for a private repository as access_token)");
        }
        String key = RepositoryUrls.key(repo).orElseThrow(() -> new InvalidInputException("git_repository: \"" + repo
                + "\" has no repository path (expected: a URL like https://github.com/acme/shop.git)"));
        String branch = GitUrls.validRef(req.gitBranch() == null || req.gitBranch().isBlank() ? "main" : req.gitBranch().strip());
        checkSecret(req.webhookSecret());
        checkToken(req.accessToken());
        String forge = ForgeStatusReporter.forge(req.forge(), repo);
        String statusApi = statusApiUrl(req.statusApiUrl());
        Optional<WebhookRepository.LinkStatus> before = api.store.webhooks().status(app.id());
        // A new secret only when there is none: re-linking must not break the hook already configured on the forge.
        String generated = req.webhookSecret() == null && before.isEmpty() ? HexFormat.of().formatHex(randomBytes()) : null;
        WebhookRepository.LinkStatus status = api.store.webhooks().link(app.id(), repo, key, branch,
                req.webhookSecret() != null ? req.webhookSecret() : generated, req.accessToken());
        api.store.webhooks().setStatusTarget(app.id(), forge, statusApi);
        status = api.store.webhooks().status(app.id()).orElse(status);
        log.atInfo().addKeyValue("app", app.name().value()).addKeyValue("repository", RepositoryUrls.redact(repo))
                .addKeyValue("branch", branch).log("Linked repository");
        return ApiJson.ok(view(app, Optional.of(status), generated));
    }

    @Get("/applications/{app}/repository")
    public HttpResponse get(@Param("app") String appName) {
        Application app = api.application(appName);
        Optional<WebhookRepository.LinkStatus> status = api.store.webhooks().status(app.id());
        if (status.isEmpty() && app.gitRepository() == null) {
            throw new NotFoundException("application \"" + app.name() + "\" is not linked to a repository (expected: PUT /applications/"
                    + app.name() + "/repository first)");
        }
        return ApiJson.ok(view(app, status, null));
    }

    @Get("/applications/{app}/webhook-deliveries")
    public HttpResponse deliveries(@Param("app") String appName, @Param("limit") @Default("100") int limit) {
        Application app = api.application(appName);
        return ApiJson.ok(api.store.webhooks().deliveries(app.id(), Math.clamp(limit, 1, 1000)).stream()
                .map(d -> new DeliveryView(d.id(), d.forge(), d.event(), d.deliveryId(), d.outcome(), d.reason(), d.deploymentId(),
                        d.receivedAt()))
                .toList());
    }

    private RepositoryView view(Application app, Optional<WebhookRepository.LinkStatus> status, String generatedSecret) {
        String base = publicBase(ServiceRequestContext.current());
        WebhookUrls urls = new WebhookUrls(base + "/webhooks/github", base + "/webhooks/gitlab", base + "/webhooks/bitbucket");
        return status.map(s -> new RepositoryView(app.name().value(), s.gitRepository(), s.gitBranch(), s.webhookSecretSet(),
                        s.accessTokenSet(), urls, s.updatedAt(), generatedSecret, s.forge(), s.statusApiUrl()))
                .orElseGet(() -> new RepositoryView(app.name().value(), app.gitRepository(), app.gitBranch(), false, false, urls,
                        null, null, null, null));
    }

    /** The address the caller reached the API at; behind a reverse proxy, the one the proxy says it was reached at. */
    static String publicBase(ServiceRequestContext ctx) {
        String proto = ctx.request().headers().get("X-Forwarded-Proto");
        String host = ctx.request().headers().get("X-Forwarded-Host");
        String scheme = proto != null && proto.matches("https?") ? proto : (ctx.sessionProtocol().isTls() ? "https" : "http");
        String authority = host != null && host.matches("[A-Za-z0-9.:\\[\\]-]{1,255}") ? host : ctx.request().authority();
        if (authority == null) {
            InetSocketAddress local = ctx.localAddress();
            authority = local.getHostString() + ":" + local.getPort();
        }
        return scheme + "://" + authority;
    }

    private static String statusApiUrl(String value) {
        return value == null || value.isBlank() ? null
                : SignedWebhook.httpUrl("status_api_url", value, "https://github.example.com/api/v3").replaceAll("/+$", "");
    }

    private static void checkSecret(String secret) {
        if (secret == null) {
            return;
        }
        if (secret.length() < MIN_SECRET || secret.length() > MAX_SECRET || secret.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw new InvalidInputException("webhook_secret: " + secret.length() + " characters (expected: " + MIN_SECRET + " to "
                    + MAX_SECRET + " printable ASCII characters without spaces; leave it out to have one generated)");
        }
    }

    private static void checkToken(String token) {
        if (token == null || token.isEmpty()) {
            return;
        }
        if (token.length() > MAX_TOKEN || token.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw new InvalidInputException("access_token: " + token.length() + " characters (expected: at most " + MAX_TOKEN
                    + " printable ASCII characters without spaces, or \"\" to remove the stored token)");
        }
    }

    private byte[] randomBytes() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return b;
    }
}
