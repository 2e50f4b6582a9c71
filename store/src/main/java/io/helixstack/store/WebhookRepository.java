package io.helixstack.store;

import io.helixstack.domain.Application;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * Applications linked to a forge repository (their webhook secret and access token sealed with the {@link SecretBox})
 * and the webhook deliveries they received.
 */
public final class WebhookRepository {
    /** What may be shown of a link: whether the secrets are set, never their values. */
    public record LinkStatus(String gitRepository, String gitBranch, boolean webhookSecretSet, boolean accessTokenSet,
                             Instant updatedAt, String forge, String statusApiUrl) {
    }

    /** A linked application with its webhook secret in clear, to verify a delivery's signature with. */
    public record Linked(Application application, String webhookSecret) {
        public Linked {
            Objects.requireNonNull(application, "application");
            Objects.requireNonNull(webhookSecret, "webhookSecret");
        }

        // A record prints every component; this one must not print the secret into a log or an assertion message.
        @Override
        public String toString() {
            return "Linked[application=" + application.name() + ", webhookSecret=***]";
        }
    }

    /** One recorded delivery. {@code outcome}: received (being handled), deployed, removed (a preview), ignored, pong or failed. */
    public record Delivery(UUID id, UUID applicationId, String forge, String event, String deliveryId, String outcome,
                           String reason, UUID deploymentId, Instant receivedAt) {
    }

    private final Jdbi jdbi;
    private final SecretBox secrets;
    private final Clock clock;

    WebhookRepository(Jdbi jdbi, SecretBox secrets, Clock clock) {
        this.jdbi = jdbi;
        this.secrets = secrets;
        this.clock = clock;
    }

    /**
     * Links the application to a repository in one transaction: its {@code git_repository}/{@code git_branch} and the
     * link row. A null {@code webhookSecret} keeps the stored one (there must be one); a null {@code accessToken} keeps
     * the stored token, an empty one removes it.
     */
    public LinkStatus link(UUID applicationId, String gitRepository, String repositoryKey, String gitBranch, String webhookSecret,
                           String accessToken) {
        return jdbi.inTransaction(h -> {
            h.createUpdate("update applications set git_repository = :r, git_branch = :b where id = :id")
                    .bind("r", gitRepository).bind("b", gitBranch).bind("id", applicationId).execute();
            byte[] token = accessToken == null || accessToken.isEmpty() ? null : secrets.seal(accessToken);
            if (webhookSecret == null) {
                // Postgres checks NOT NULL on the proposed row before ON CONFLICT, so keeping the secret is an update.
                // With no token given, access_token_enc = coalesce(null, itself) keeps it; "" (clearToken) removes it.
                int updated = h.createUpdate("""
                                update repository_links set repository_key = :k, updated_at = :now,
                                    access_token_enc = case when :clearToken then null else coalesce(:t, access_token_enc) end
                                where application_id = :a""")
                        .bind("a", applicationId).bind("k", repositoryKey).bind("t", token)
                        .bind("clearToken", accessToken != null && accessToken.isEmpty())
                        .bind("now", clock.instant().atOffset(ZoneOffset.UTC)).execute();
                if (updated == 0) {
                    throw new IllegalStateException("application " + applicationId + " has no webhook secret to keep (expected: a secret)");
                }
            } else {
                h.createUpdate("""
                                insert into repository_links (application_id, repository_key, webhook_secret_enc, access_token_enc, updated_at)
                                values (:a, :k, :s, :t, :now)
                                on conflict (application_id) do update set repository_key = excluded.repository_key,
                                    webhook_secret_enc = excluded.webhook_secret_enc, access_token_enc = %s,
                                    updated_at = excluded.updated_at""".formatted(accessToken == null
                                ? "repository_links.access_token_enc" : "excluded.access_token_enc"))
                        .bind("a", applicationId).bind("k", repositoryKey).bind("s", secrets.seal(webhookSecret)).bind("t", token)
                        .bind("now", clock.instant().atOffset(ZoneOffset.UTC)).execute();
            }
            return status(h, applicationId).orElseThrow();
        });
    }

    /** Where deployments of a linked application are reported: the forge (null: infer) and its API base (null: public). */
    public void setStatusTarget(UUID applicationId, String forge, String statusApiUrl) {
        jdbi.useHandle(h -> h.createUpdate("update repository_links set forge = :f, status_api_url = :u where application_id = :a")
                .bind("f", forge).bind("u", statusApiUrl).bind("a", applicationId).execute());
    }

    /** The forge of the newest verified webhook delivery the application received, if any. */
    public Optional<String> lastForge(UUID applicationId) {
        return jdbi.withHandle(h -> h.createQuery(
                        "select forge from webhook_deliveries where application_id = :a order by received_at desc limit 1")
                .bind("a", applicationId).mapTo(String.class).findOne());
    }

    public Optional<LinkStatus> status(UUID applicationId) {
        return jdbi.withHandle(h -> status(h, applicationId));
    }

    private static Optional<LinkStatus> status(org.jdbi.v3.core.Handle h, UUID applicationId) {
        return h.createQuery("""
                        select a.git_repository, a.git_branch, l.access_token_enc is not null as token_set, l.updated_at, l.forge,
                               l.status_api_url
                        from repository_links l join applications a on a.id = l.application_id where l.application_id = :a""")
                .bind("a", applicationId)
                .map((rs, c) -> new LinkStatus(rs.getString("git_repository"), rs.getString("git_branch"), true,
                        rs.getBoolean("token_set"), rs.getTimestamp("updated_at").toInstant(), rs.getString("forge"),
                        rs.getString("status_api_url")))
                .findOne();
    }

    /** The decrypted access token for cloning the application's private repository, if one is stored. */
    public Optional<String> accessToken(UUID applicationId) {
        return jdbi.withHandle(h -> h.createQuery(
                        "select access_token_enc from repository_links where application_id = :a and access_token_enc is not null")
                .bind("a", applicationId).mapTo(byte[].class).findOne()).map(secrets::open);
    }

    /** Applications of every team linked to a repository with one of these keys, oldest link first. */
    public List<Linked> linkedTo(Collection<String> repositoryKeys) {
        if (repositoryKeys.isEmpty()) {
            return List.of();
        }
        return jdbi.withHandle(h -> h.createQuery("""
                        select a.*, l.webhook_secret_enc from repository_links l join applications a on a.id = l.application_id
                        where l.repository_key in (<keys>) order by l.updated_at, a.name""")
                .bindList("keys", List.copyOf(repositoryKeys))
                .map((rs, c) -> new Linked(ApplicationRepository.map(rs), secrets.open(rs.getBytes("webhook_secret_enc"))))
                .list());
    }

    /**
     * Records a delivery as {@code received}, unless one with the same id was already recorded for the application:
     * then it is a duplicate and nothing is written.
     *
     * @return the new delivery's id, or empty for a duplicate
     */
    public Optional<UUID> claim(UUID applicationId, String forge, String event, String deliveryId) {
        UUID id = UUID.randomUUID();
        return jdbi.withHandle(h -> h.createQuery("""
                        insert into webhook_deliveries (id, application_id, forge, event, delivery_id, outcome, received_at)
                        values (:id, :a, :f, :e, :d, 'received', :now)
                        on conflict (application_id, forge, delivery_id) do nothing returning id""")
                .bind("id", id).bind("a", applicationId).bind("f", forge).bind("e", event).bind("d", deliveryId)
                .bind("now", clock.instant().atOffset(ZoneOffset.UTC)).mapTo(UUID.class).findOne());
    }

    /** The outcome of a claimed delivery. */
    public void finish(UUID id, String outcome, String reason, UUID deploymentId) {
        jdbi.useHandle(h -> h.createUpdate("update webhook_deliveries set outcome = :o, reason = :r, deployment_id = :d where id = :id")
                .bind("o", outcome).bind("r", reason).bind("d", deploymentId).bind("id", id).execute());
    }

    /** Newest first. */
    public List<Delivery> deliveries(UUID applicationId, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select * from webhook_deliveries where application_id = :a order by received_at desc, id limit :limit""")
                .bind("a", applicationId).bind("limit", limit)
                .map((rs, c) -> new Delivery(rs.getObject("id", UUID.class), rs.getObject("application_id", UUID.class),
                        rs.getString("forge"), rs.getString("event"), rs.getString("delivery_id"), rs.getString("outcome"),
                        rs.getString("reason"), rs.getObject("deployment_id", UUID.class), rs.getTimestamp("received_at").toInstant()))
                .list());
    }
}
