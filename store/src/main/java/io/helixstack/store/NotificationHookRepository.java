package io.helixstack.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** Applications' outgoing notification webhooks (their signing secrets sealed with the {@link SecretBox}). */
public final class NotificationHookRepository {
    /** A hook with its secret in clear, to sign with; {@code lastOutcome}: delivered or failed: why. */
    public record Hook(UUID id, UUID applicationId, String url, String secret, List<String> events, Instant createdAt,
                       String lastEvent, String lastOutcome, Instant lastAt) {
        public Hook {
            events = List.copyOf(events);
        }

        @Override
        public String toString() {
            return "Hook[" + id + " " + url + " " + events + ", secret=***]";
        }
    }

    private final Jdbi jdbi;
    private final SecretBox secrets;
    private final Clock clock;

    NotificationHookRepository(Jdbi jdbi, SecretBox secrets, Clock clock) {
        this.jdbi = jdbi;
        this.secrets = secrets;
        this.clock = clock;
    }

    public Hook create(UUID applicationId, String url, String secret, List<String> events) {
        UUID id = UUID.randomUUID();
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into notification_hooks (id, application_id, url, secret_sealed, events, created_at)
                        values (:id, :a, :url, :s, :events, :now)""")
                .bind("id", id).bind("a", applicationId).bind("url", url).bind("s", secrets.seal(secret))
                .bind("events", events.toArray(String[]::new)).bind("now", clock.instant().atOffset(ZoneOffset.UTC)).execute());
        return find(applicationId, id).orElseThrow();
    }

    public List<Hook> ofApplication(UUID applicationId) {
        return jdbi.withHandle(h -> h.createQuery("select * from notification_hooks where application_id = :a order by created_at")
                .bind("a", applicationId).map((rs, c) -> map(rs)).list());
    }

    public Optional<Hook> find(UUID applicationId, UUID id) {
        return jdbi.withHandle(h -> h.createQuery("select * from notification_hooks where application_id = :a and id = :id")
                .bind("a", applicationId).bind("id", id).map((rs, c) -> map(rs)).findOne());
    }

    /** @return whether it existed */
    public boolean delete(UUID applicationId, UUID id) {
        return jdbi.withHandle(h -> h.createUpdate("delete from notification_hooks where application_id = :a and id = :id")
                .bind("a", applicationId).bind("id", id).execute()) > 0;
    }

    public void recordOutcome(UUID id, String event, String outcome) {
        jdbi.useHandle(h -> h.createUpdate("update notification_hooks set last_event = :e, last_outcome = :o, last_at = :now where id = :id")
                .bind("e", event).bind("o", outcome).bind("now", clock.instant().atOffset(ZoneOffset.UTC)).bind("id", id).execute());
    }

    private Hook map(ResultSet rs) throws SQLException {
        java.sql.Timestamp last = rs.getTimestamp("last_at");
        return new Hook(rs.getObject("id", UUID.class), rs.getObject("application_id", UUID.class), rs.getString("url"),
                secrets.open(rs.getBytes("secret_sealed")), Arrays.asList((String[]) rs.getArray("events").getArray()),
                rs.getTimestamp("created_at").toInstant(), rs.getString("last_event"), rs.getString("last_outcome"),
                last == null ? null : last.toInstant());
    }
}
