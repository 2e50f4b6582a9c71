package io.helixstack.store;

import io.helixstack.domain.Hashes;



import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;

import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** API tokens. Only a token's sha256 is stored; the plaintext is returned once, at creation. */
public final class TokenRepository {
    /** Who a verified token speaks for. */
    public record Principal(UUID tokenId, UUID teamId, String name, String role) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    static final java.time.Duration LAST_USED_RESOLUTION = java.time.Duration.ofMinutes(1);
    private final Jdbi jdbi;
    private final Clock clock;

    TokenRepository(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** Finds or creates the team every first-start object belongs to. */
    public UUID defaultTeam() {
        return jdbi.inTransaction(h -> {
            h.createUpdate("insert into teams (id, name) values (:id, 'default') on conflict (name) do nothing")
                    .bind("id", UUID.randomUUID()).execute();
            return h.createQuery("select id from teams where name = 'default'").mapTo(UUID.class).one();
        });
    }

    public boolean anyFor(UUID teamId) {
        return jdbi.withHandle(h -> h.createQuery("select exists (select 1 from api_tokens where team_id = :t)")
                .bind("t", teamId).mapTo(Boolean.class).one());
    }

    /** @return the token's plaintext, {@code hx_} followed by 43 URL-safe characters */
    public String create(UUID teamId, String name, String role) {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String token = "hx_" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        jdbi.useHandle(h -> h.createUpdate("insert into api_tokens (id, name, token_sha256, team_id, role) values (:id, :name, :hash, :team, :role)")
                .bind("id", UUID.randomUUID()).bind("name", name).bind("hash", Hashes.sha256Hex(token)).bind("team", teamId).bind("role", role)
                .execute());
        return token;
    }

    public Optional<Principal> verify(String token) {
        if (token == null || !token.startsWith("hx_") || token.length() > 100) {
            return Optional.empty();
        }
        // A read on every request; the last-use time is written at most once a minute, not on every CLI poll.
        return jdbi.withHandle(h -> h.createQuery("select id, team_id, name, role, last_used_at from api_tokens where token_sha256 = :hash")
                .bind("hash", Hashes.sha256Hex(token))
                .map((rs, ctx) -> new Row(new Principal(rs.getObject("id", UUID.class), rs.getObject("team_id", UUID.class),
                        rs.getString("name"), rs.getString("role")), rs.getTimestamp("last_used_at")))
                .findOne()
                .map(row -> {
                    if (row.lastUsed() == null || row.lastUsed().toInstant().isBefore(clock.instant().minus(LAST_USED_RESOLUTION))) {
                        h.createUpdate("update api_tokens set last_used_at = :now where id = :id")
                                .bind("now", clock.instant().atOffset(java.time.ZoneOffset.UTC)).bind("id", row.principal().tokenId())
                                .execute();
                    }
                    return row.principal();
                }));
    }

    private record Row(Principal principal, java.sql.Timestamp lastUsed) {
    }

}
