package io.helixstack.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helixstack.domain.Event;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * Upgrades of applications to clusters: each state change and its event in one transaction. Settings and the cluster's
 * connection are sealed with the platform key; they never leave this class unsealed except to the upgrade itself.
 */
public final class UpgradeRepository {
    public static final String REQUESTED = "requested";
    public static final String DEPLOYING = "deploying";
    public static final String COMPLETED = "completed";
    public static final String FAILED = "failed";

    /** One upgrade, without its secrets. */
    public record Upgrade(UUID id, UUID applicationId, UUID deploymentId, String provider, String region, int nodeCount,
                          String nodeSize, String state, String reason, String clusterId, String backend, Instant createdAt,
                          Instant finishedAt) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Jdbi jdbi;
    private final EventOutbox events;
    private final SecretBox secrets;
    private final Clock clock;

    UpgradeRepository(Jdbi jdbi, EventOutbox events, SecretBox secrets, Clock clock) {
        this.jdbi = jdbi;
        this.events = events;
        this.secrets = secrets;
        this.clock = clock;
    }

    /**
     * Records a requested upgrade and its {@code cluster.provision.requested} event.
     *
     * @throws ConflictException when an upgrade of the application is already running
     */
    public Upgrade request(UUID applicationId, UUID deploymentId, String app, String provider, String region, int nodeCount,
                           String nodeSize, Map<String, String> settings) {
        UUID id = UUID.randomUUID();
        Instant now = clock.instant();
        try {
            jdbi.useTransaction(h -> {
                h.createUpdate("""
                                insert into upgrades (id, application_id, deployment_id, provider, region, node_count, node_size,
                                                      settings, state, created_at)
                                values (:id, :a, :d, :p, :r, :n, :s, :settings, 'requested', :now)""")
                        .bind("id", id).bind("a", applicationId).bind("d", deploymentId).bind("p", provider).bind("r", region)
                        .bind("n", nodeCount).bind("s", nodeSize).bind("settings", secrets.seal(write(settings)))
                        .bind("now", now.atOffset(ZoneOffset.UTC)).execute();
                events.append(h, new Event.ClusterProvisionRequested(deploymentId, id, app, provider, region, now));
            });
        } catch (UnableToExecuteStatementException e) {
            if (e.getMessage() != null && e.getMessage().contains("upgrades_one_running")) {
                throw new ConflictException("an upgrade of " + app + " is already running (expected: one upgrade at a time; see"
                        + " GET /applications/" + app + "/upgrade)");
            }
            throw e;
        }
        return find(id).orElseThrow();
    }

    public Optional<Upgrade> find(UUID id) {
        return jdbi.withHandle(h -> h.createQuery("select * from upgrades where id = :id").bind("id", id)
                .map((rs, c) -> map(rs)).findOne());
    }

    public Optional<Upgrade> latest(UUID applicationId) {
        return jdbi.withHandle(h -> h.createQuery("select * from upgrades where application_id = :a order by created_at desc limit 1")
                .bind("a", applicationId).map((rs, c) -> map(rs)).findOne());
    }

    /** The latest completed upgrade of every application: where each upgraded application runs now. */
    public List<Upgrade> completed() {
        return jdbi.withHandle(h -> h.createQuery("""
                        select distinct on (application_id) * from upgrades where state = 'completed'
                        order by application_id, finished_at desc""").map((rs, c) -> map(rs)).list());
    }

    /** The settings the upgrade was requested with, unsealed. */
    public Map<String, String> settings(UUID id) {
        return jdbi.withHandle(h -> h.createQuery("select settings from upgrades where id = :id").bind("id", id)
                .mapTo(byte[].class).findOne()).map(b -> read(secrets.open(b))).orElse(Map.of());
    }

    /** The cluster the upgrade provisioned, as its provider described it, unsealed; empty before that. */
    public Optional<Map<String, String>> cluster(UUID id) {
        return jdbi.withHandle(h -> h.createQuery("select cluster from upgrades where id = :id and cluster is not null")
                .bind("id", id).mapTo(byte[].class).findOne()).map(b -> read(secrets.open(b)));
    }

    /** The cluster answers: record it (sealed) and {@code cluster.provision.succeeded}; false if the upgrade moved on. */
    public boolean provisioned(UUID id, String clusterId, String backend, Map<String, String> cluster) {
        Upgrade u = find(id).orElseThrow();
        return jdbi.inTransaction(h -> {
            int n = h.createUpdate("""
                            update upgrades set state = 'deploying', cluster_id = :c, backend = :b, cluster = :cluster
                            where id = :id and state = 'requested'""")
                    .bind("id", id).bind("c", clusterId).bind("b", backend).bind("cluster", secrets.seal(write(cluster))).execute();
            if (n == 1) {
                events.append(h, new Event.ClusterProvisionSucceeded(u.deploymentId(), id, app(h, u.applicationId()), clusterId,
                        clock.instant()));
            }
            return n == 1;
        });
    }

    /** Traffic moved: the application's backend changes with the upgrade's state and {@code upgrade.completed}. */
    public boolean completed(UUID id) {
        Upgrade u = find(id).orElseThrow();
        return jdbi.inTransaction(h -> {
            int n = h.createUpdate("update upgrades set state = 'completed', finished_at = :now where id = :id and state = 'deploying'")
                    .bind("id", id).bind("now", clock.instant().atOffset(ZoneOffset.UTC)).execute();
            if (n == 1) {
                h.createUpdate("update applications set current_backend = :b where id = :a")
                        .bind("b", u.backend()).bind("a", u.applicationId()).execute();
                events.append(h, new Event.UpgradeCompleted(u.deploymentId(), id, app(h, u.applicationId()), u.backend(), clock.instant()));
            }
            return n == 1;
        });
    }

    /** Stopped with {@code reason}; the application stays where it ran. */
    public boolean failed(UUID id, String reason) {
        Upgrade u = find(id).orElseThrow();
        return jdbi.inTransaction(h -> {
            int n = h.createUpdate("""
                            update upgrades set state = 'failed', reason = :r, finished_at = :now
                            where id = :id and state in ('requested', 'deploying')""")
                    .bind("id", id).bind("r", reason).bind("now", clock.instant().atOffset(ZoneOffset.UTC)).execute();
            if (n == 1) {
                events.append(h, new Event.UpgradeFailed(u.deploymentId(), id, app(h, u.applicationId()), reason, clock.instant()));
            }
            return n == 1;
        });
    }

    private static String app(org.jdbi.v3.core.Handle h, UUID applicationId) {
        return h.createQuery("select name from applications where id = :a").bind("a", applicationId).mapTo(String.class).one();
    }

    private static Upgrade map(ResultSet rs) throws SQLException {
        OffsetDateTime finished = rs.getObject("finished_at", OffsetDateTime.class);
        return new Upgrade(rs.getObject("id", UUID.class), rs.getObject("application_id", UUID.class),
                rs.getObject("deployment_id", UUID.class), rs.getString("provider"), rs.getString("region"), rs.getInt("node_count"),
                rs.getString("node_size"), rs.getString("state"), rs.getString("reason"), rs.getString("cluster_id"),
                rs.getString("backend"), rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                finished == null ? null : finished.toInstant());
    }

    private static String write(Map<String, String> map) {
        try {
            return JSON.writeValueAsString(map);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> read(String json) {
        try {
            return JSON.readValue(json, new TypeReference<Map<String, String>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a sealed upgrade record is not JSON", e);
        }
    }
}
