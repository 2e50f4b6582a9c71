package io.helixstack.store;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/** Public keys that may push over SSH, each belonging to a team; a key is known once (by its fingerprint). */
public final class SshKeyRepository {
    /**
     * @param publicKey   the OpenSSH line ({@code ssh-ed25519 AAAA… comment})
     * @param fingerprint {@code SHA256:<base64>}, as {@code ssh-keygen -l} prints it
     */
    public record SshKey(UUID id, UUID teamId, String name, String publicKey, String fingerprint, Instant createdAt,
                         Instant lastUsedAt) {
    }

    private final Jdbi jdbi;
    private final Clock clock;

    SshKeyRepository(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** @throws ConflictException when the key is registered already (to any team) */
    public SshKey add(UUID teamId, String name, String publicKey, String fingerprint) {
        UUID id = UUID.randomUUID();
        try {
            jdbi.useHandle(h -> h.createUpdate("""
                            insert into ssh_keys (id, team_id, name, public_key, fingerprint, created_at)
                            values (:id, :t, :n, :k, :f, :now)""")
                    .bind("id", id).bind("t", teamId).bind("n", name).bind("k", publicKey).bind("f", fingerprint)
                    .bind("now", clock.instant().atOffset(ZoneOffset.UTC)).execute());
        } catch (UnableToExecuteStatementException e) {
            if (e.getMessage() != null && e.getMessage().contains("ssh_keys_fingerprint_key")) {
                throw new ConflictException("ssh key " + fingerprint + " is registered already (expected: a key not added before)");
            }
            throw e;
        }
        return byFingerprint(fingerprint).orElseThrow();
    }

    public List<SshKey> ofTeam(UUID teamId) {
        return jdbi.withHandle(h -> h.createQuery("select * from ssh_keys where team_id = :t order by created_at")
                .bind("t", teamId).map((rs, c) -> map(rs)).list());
    }

    public Optional<SshKey> byFingerprint(String fingerprint) {
        return jdbi.withHandle(h -> h.createQuery("select * from ssh_keys where fingerprint = :f").bind("f", fingerprint)
                .map((rs, c) -> map(rs)).findOne());
    }

    public void used(UUID id) {
        jdbi.useHandle(h -> h.createUpdate("update ssh_keys set last_used_at = :now where id = :id")
                .bind("now", clock.instant().atOffset(ZoneOffset.UTC)).bind("id", id).execute());
    }

    /** @return whether the team had that key */
    public boolean delete(UUID teamId, UUID id) {
        return jdbi.withHandle(h -> h.createUpdate("delete from ssh_keys where team_id = :t and id = :id").bind("t", teamId)
                .bind("id", id).execute()) > 0;
    }

    private static SshKey map(java.sql.ResultSet rs) throws java.sql.SQLException {
        java.sql.Timestamp used = rs.getTimestamp("last_used_at");
        return new SshKey(rs.getObject("id", UUID.class), rs.getObject("team_id", UUID.class), rs.getString("name"),
                rs.getString("public_key"), rs.getString("fingerprint"), rs.getTimestamp("created_at").toInstant(),
                used == null ? null : used.toInstant());
    }
}
