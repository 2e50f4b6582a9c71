package io.helixstack.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** Applications' alert rules (their webhook secret sealed with the {@link SecretBox}) and the alerts raised. */
public final class AlertRepository {
    /** When to alert: {@code restarts} restarts within {@code crashLoopWindow}; a share of 5xx above a minimum of requests. */
    public record Thresholds(int crashLoopRestarts, Duration crashLoopWindow, double errorRatePercent, Duration errorRateWindow,
                             int errorRateMinRequests) {
    }

    /** A rule with its secret in clear, to sign with. */
    public record Rule(UUID applicationId, String webhookUrl, String secret, Thresholds thresholds, Instant updatedAt) {
        @Override
        public String toString() {
            return "Rule[applicationId=" + applicationId + ", webhookUrl=" + webhookUrl + ", secret=***, " + thresholds + "]";
        }
    }

    /** {@code notified}: pending, delivered, or failed: reason. */
    public record Alert(UUID id, UUID applicationId, String kind, String detail, Instant firedAt, Instant resolvedAt,
                        String notified) {
    }

    private final Jdbi jdbi;
    private final SecretBox secrets;
    private final Clock clock;

    AlertRepository(Jdbi jdbi, SecretBox secrets, Clock clock) {
        this.jdbi = jdbi;
        this.secrets = secrets;
        this.clock = clock;
    }

    /** Creates or replaces the rule; a null {@code secret} keeps the stored one (there must be one). */
    public Rule put(UUID applicationId, String webhookUrl, String secret, Thresholds t) {
        jdbi.useTransaction(h -> {
            byte[] sealed = secret != null ? secrets.seal(secret)
                    : h.createQuery("select secret_sealed from alert_rules where application_id = :a").bind("a", applicationId)
                    .mapTo(byte[].class).findOne().orElseThrow(() -> new IllegalStateException("no stored alert secret"));
            h.createUpdate("""
                    insert into alert_rules (application_id, webhook_url, secret_sealed, crash_loop_restarts, crash_loop_window_s,
                                             error_rate_percent, error_rate_window_s, error_rate_min_requests, updated_at)
                    values (:a, :url, :secret, :cr, :cw, :ep, :ew, :em, :now)
                    on conflict (application_id) do update set webhook_url = excluded.webhook_url,
                        secret_sealed = excluded.secret_sealed, crash_loop_restarts = excluded.crash_loop_restarts,
                        crash_loop_window_s = excluded.crash_loop_window_s, error_rate_percent = excluded.error_rate_percent,
                        error_rate_window_s = excluded.error_rate_window_s,
                        error_rate_min_requests = excluded.error_rate_min_requests, updated_at = excluded.updated_at""")
                    .bind("a", applicationId).bind("url", webhookUrl).bind("secret", sealed)
                    .bind("cr", t.crashLoopRestarts()).bind("cw", (int) t.crashLoopWindow().toSeconds())
                    .bind("ep", t.errorRatePercent()).bind("ew", (int) t.errorRateWindow().toSeconds())
                    .bind("em", t.errorRateMinRequests()).bind("now", clock.instant().atOffset(ZoneOffset.UTC)).execute();
        });
        return rule(applicationId).orElseThrow();
    }

    public Optional<Rule> rule(UUID applicationId) {
        return jdbi.withHandle(h -> h.createQuery("select * from alert_rules where application_id = :a").bind("a", applicationId)
                .map((rs, c) -> mapRule(rs)).findOne());
    }

    /** Every application's rule, in one query (checked after every metrics sample). */
    public List<Rule> rules() {
        return jdbi.withHandle(h -> h.createQuery("select * from alert_rules").map((rs, c) -> mapRule(rs)).list());
    }

    private Rule mapRule(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Rule(rs.getObject("application_id", UUID.class), rs.getString("webhook_url"), secrets.open(rs.getBytes("secret_sealed")),
                new Thresholds(rs.getInt("crash_loop_restarts"), Duration.ofSeconds(rs.getInt("crash_loop_window_s")),
                        rs.getDouble("error_rate_percent"), Duration.ofSeconds(rs.getInt("error_rate_window_s")),
                        rs.getInt("error_rate_min_requests")),
                rs.getTimestamp("updated_at").toInstant());
    }

    /** @return whether a rule existed */
    public boolean delete(UUID applicationId) {
        return jdbi.withHandle(h -> h.createUpdate("delete from alert_rules where application_id = :a").bind("a", applicationId)
                .execute()) > 0;
    }

    /** Opens an alert unless one of that kind is open already; returns the new one. */
    public Optional<Alert> fire(UUID applicationId, String kind, String detail) {
        UUID id = UUID.randomUUID();
        int inserted = jdbi.withHandle(h -> h.createUpdate("""
                        insert into alerts (id, application_id, kind, detail, fired_at) values (:id, :a, :k, :d, :now)
                        on conflict (application_id, kind) where resolved_at is null do nothing""")
                .bind("id", id).bind("a", applicationId).bind("k", kind).bind("d", detail)
                .bind("now", clock.instant().atOffset(ZoneOffset.UTC)).execute());
        return inserted == 0 ? Optional.empty() : find(id);
    }

    /** Resolves the open alert of that kind, if any, and returns it. */
    public Optional<Alert> resolve(UUID applicationId, String kind) {
        Optional<UUID> id = jdbi.withHandle(h -> h.createQuery("""
                        update alerts set resolved_at = :now where application_id = :a and kind = :k and resolved_at is null
                        returning id""")
                .bind("a", applicationId).bind("k", kind).bind("now", clock.instant().atOffset(ZoneOffset.UTC))
                .mapTo(UUID.class).findOne());
        return id.flatMap(this::find);
    }

    public void notified(UUID alertId, String outcome) {
        jdbi.useHandle(h -> h.createUpdate("update alerts set notified = :o where id = :id").bind("o", outcome).bind("id", alertId)
                .execute());
    }

    public List<Alert> recent(UUID applicationId, int limit) {
        return jdbi.withHandle(h -> h.createQuery("select * from alerts where application_id = :a order by fired_at desc limit :l")
                .bind("a", applicationId).bind("l", limit).map((rs, c) -> mapAlert(rs)).list());
    }

    private Optional<Alert> find(UUID id) {
        return jdbi.withHandle(h -> h.createQuery("select * from alerts where id = :id").bind("id", id).map((rs, c) -> mapAlert(rs))
                .findOne());
    }

    private static Alert mapAlert(java.sql.ResultSet rs) throws java.sql.SQLException {
        java.sql.Timestamp resolved = rs.getTimestamp("resolved_at");
        return new Alert(rs.getObject("id", UUID.class), rs.getObject("application_id", UUID.class), rs.getString("kind"),
                rs.getString("detail"), rs.getTimestamp("fired_at").toInstant(), resolved == null ? null : resolved.toInstant(),
                rs.getString("notified"));
    }
}
