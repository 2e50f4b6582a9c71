package io.helixstack.store;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** Environment variables per environment, encrypted at rest with the {@link SecretBox}. */
public final class EnvVarRepository {
    private final Jdbi jdbi;
    private final SecretBox secrets;

    EnvVarRepository(Jdbi jdbi, SecretBox secrets) {
        this.jdbi = jdbi;
        this.secrets = secrets;
    }

    public Map<String, String> get(UUID environmentId) {
        Map<String, String> env = new TreeMap<>();
        jdbi.useHandle(h -> h.createQuery("select key, value_enc from env_vars where environment_id = :e")
                .bind("e", environmentId)
                .map((rs, c) -> Map.entry(rs.getString("key"), secrets.open(rs.getBytes("value_enc"))))
                .forEach(e -> env.put(e.getKey(), e.getValue())));
        return env;
    }

    /** Sets and unsets in one transaction. */
    public Map<String, String> patch(UUID environmentId, Map<String, String> set, Collection<String> unset) {
        jdbi.useTransaction(h -> {
            for (String key : unset) {
                h.createUpdate("delete from env_vars where environment_id = :e and key = :k").bind("e", environmentId).bind("k", key).execute();
            }
            set.forEach((key, value) -> h.createUpdate("""
                            insert into env_vars (environment_id, key, value_enc, updated_at) values (:e, :k, :v, now())
                            on conflict (environment_id, key) do update set value_enc = excluded.value_enc, updated_at = now()""")
                    .bind("e", environmentId).bind("k", key).bind("v", secrets.seal(value)).execute());
        });
        return get(environmentId);
    }
}
