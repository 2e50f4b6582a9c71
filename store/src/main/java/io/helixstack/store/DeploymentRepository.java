package io.helixstack.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.helixstack.domain.Application;
import io.helixstack.domain.ArtifactMetadata;
import io.helixstack.domain.Deployment;
import io.helixstack.domain.DeploymentState;
import io.helixstack.domain.Event;
import io.helixstack.domain.Source;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Deployments and their state changes; each change commits together with its event in the outbox. */
public final class DeploymentRepository {
    private static final String SELECT = """
            select d.*, a.name as app_name, e.name as env_name from deployments d
            join applications a on a.id = d.application_id join environments e on e.id = d.environment_id""";

    private final Jdbi jdbi;
    private final EventOutbox events;
    private final Clock clock;

    DeploymentRepository(Jdbi jdbi, EventOutbox events, Clock clock) {
        this.jdbi = jdbi;
        this.events = events;
        this.clock = clock;
    }

    /**
     * A new queued deployment, numbered next in its environment (created on first use, e.g. a pull request's
     * {@code preview/<n>}); emits {@code deployment.production.requested} or {@code deployment.preview.requested}.
     */
    public Deployment create(Application app, String environment, Source source, String trigger) {
        return jdbi.inTransaction(h -> {
            h.createUpdate("insert into environments (id, application_id, name) values (:id, :a, :n) on conflict do nothing")
                    .bind("id", UUID.randomUUID()).bind("a", app.id()).bind("n", environment).execute();
            UUID envId = h.createQuery("select id from environments where application_id = :a and name = :n for update")
                    .bind("a", app.id()).bind("n", environment).mapTo(UUID.class).one();
            int number = h.createQuery("select coalesce(max(number), 0) + 1 from deployments where environment_id = :e")
                    .bind("e", envId).mapTo(Integer.class).one();
            UUID id = UUID.randomUUID();
            h.createUpdate("""
                            insert into deployments (id, application_id, environment_id, number, state, source, trigger, created_at, updated_at)
                            values (:id, :a, :e, :n, 'queued', cast(:source as jsonb), :trigger, :now, :now)""")
                    .bind("id", id).bind("a", app.id()).bind("e", envId).bind("n", number)
                    .bind("source", SourceJson.write(source)).bind("trigger", trigger).bind("now", now()).execute();
            Deployment d = get(h, id);
            int pullRequest = Deployment.pullRequestOf(environment);
            events.append(h, pullRequest > 0
                    ? new Event.PreviewDeploymentRequested(id, app.name().value(), d.label(), source.describe(), pullRequest, clock.instant())
                    : new Event.ProductionDeploymentRequested(id, app.name().value(), d.label(), source.describe(), clock.instant()));
            return d;
        });
    }

    public Optional<Deployment> find(UUID id) {
        return jdbi.withHandle(h -> h.createQuery(SELECT + " where d.id = :id").bind("id", id).map((rs, c) -> map(rs)).findOne());
    }

    public List<Deployment> listByApplication(UUID applicationId, int limit) {
        return jdbi.withHandle(h -> h.createQuery(SELECT + " where d.application_id = :a order by d.created_at desc, d.number desc limit :l")
                .bind("a", applicationId).bind("l", limit).map((rs, c) -> map(rs)).list());
    }

    public List<Deployment> listByProject(UUID projectId, int limit) {
        return jdbi.withHandle(h -> h.createQuery(SELECT + " where a.project_id = :p order by d.created_at desc, d.number desc limit :l")
                .bind("p", projectId).bind("l", limit).map((rs, c) -> map(rs)).list());
    }

    public List<Deployment> listInStates(Collection<DeploymentState> states) {
        return jdbi.withHandle(h -> h.createQuery(SELECT + " where d.state in (<states>) order by d.created_at")
                .bindList("states", states.stream().map(DeploymentState::wireName).toList())
                .map((rs, c) -> map(rs)).list());
    }

    /**
     * Moves the deployment to {@code to} if it is in one of {@code from}, writing {@code event} in the same transaction.
     *
     * @return false (and nothing written) when the deployment was not in any of {@code from}
     */
    public boolean transition(UUID id, Collection<DeploymentState> from, DeploymentState to, String failureReason, Event event) {
        return jdbi.inTransaction(h -> {
            int n = h.createUpdate("""
                            update deployments set state = :to, failure_reason = coalesce(:reason, failure_reason), updated_at = :now
                            where id = :id and state in (<from>)""")
                    .bind("to", to.wireName()).bind("reason", failureReason).bind("now", now()).bind("id", id)
                    .bindList("from", from.stream().map(DeploymentState::wireName).toList()).execute();
            if (n == 1 && event != null) {
                events.append(h, event);
            }
            return n == 1;
        });
    }

    /**
     * The build finished: records the artifact and the resolved source, state {@code built}, emits {@code deployment.built}
     * — only while the deployment is still queued or building, so a builder that lost it (another took it over, it moved
     * on) cannot move it back.
     *
     * @return whether it was recorded
     */
    public boolean markBuilt(UUID id, Source resolvedSource, ArtifactMetadata artifact) {
        return jdbi.inTransaction(h -> {
            upsertArtifact(h, artifact);
            int updated = h.createUpdate("""
                            update deployments set state = 'built', artifact_digest = :digest, source = cast(:source as jsonb), updated_at = :now
                            where id = :id and state in ('queued', 'building')""")
                    .bind("digest", artifact.digest()).bind("source", SourceJson.write(resolvedSource)).bind("now", now()).bind("id", id)
                    .execute();
            if (updated == 0) {
                return false;
            }
            events.append(h, new Event.DeploymentBuilt(id, artifact.digest(), clock.instant()));
            return true;
        });
    }

    /**
     * Makes the deployment the live one of its environment in one transaction: the one live before becomes
     * {@code superseded} (or {@code rolled_back} when this is a rollback), the environment points here, and the events
     * ({@code deploy.promoted}, {@code deployment.succeeded}, and {@code deployment.rolled_back} for a rollback) are written.
     *
     * @return the deployment that was live before, if any
     */
    public Optional<UUID> promote(UUID id, boolean rollback) {
        return jdbi.inTransaction(h -> {
            Deployment d = get(h, id);
            UUID previous = h.createQuery("select live_deployment_id from environments where id = :e for update")
                    .bind("e", d.environmentId()).mapTo(UUID.class).findOne().orElse(null);
            if (previous != null && !previous.equals(id)) {
                h.createUpdate("update deployments set state = :s, updated_at = :now where id = :id and state = 'live'")
                        .bind("s", (rollback ? DeploymentState.ROLLED_BACK : DeploymentState.SUPERSEDED).wireName())
                        .bind("now", now()).bind("id", previous).execute();
            }
            h.createUpdate("update deployments set state = 'live', failure_reason = null, updated_at = :now where id = :id")
                    .bind("now", now()).bind("id", id).execute();
            h.createUpdate("update environments set live_deployment_id = :id where id = :e").bind("id", id).bind("e", d.environmentId()).execute();
            // A promotion goes to every region: regions rolled back on their own follow it.
            h.createUpdate("delete from environment_regions where environment_id = :e").bind("e", d.environmentId()).execute();
            UUID prev = id.equals(previous) ? null : previous;
            events.append(h, new Event.DeployPromoted(id, d.app(), d.environment(), prev, clock.instant()));
            if (rollback) {
                events.append(h, new Event.DeploymentRolledBack(id, prev, d.app(), clock.instant()));
            } else {
                events.append(h, new Event.DeploymentSucceeded(id, clock.instant()));
            }
            return Optional.ofNullable(prev);
        });
    }

    /**
     * Some regions of the deployment's environment serve it instead of the environment's live deployment (a regional
     * rollback; rolling regions back to the live deployment itself returns them to it). Writes
     * {@code deployment.rolled_back} with the regions.
     *
     * @param from the deployment the regions served before (the live one, for the event)
     */
    public void rollBackRegions(UUID id, java.util.Set<String> regions, UUID from) {
        jdbi.useTransaction(h -> {
            Deployment d = get(h, id);
            UUID live = h.createQuery("select live_deployment_id from environments where id = :e for update")
                    .bind("e", d.environmentId()).mapTo(UUID.class).findOne().orElse(null);
            for (String region : regions) {
                if (id.equals(live)) {
                    h.createUpdate("delete from environment_regions where environment_id = :e and region = :r")
                            .bind("e", d.environmentId()).bind("r", region).execute();
                } else {
                    h.createUpdate("""
                                    insert into environment_regions (environment_id, region, deployment_id, rolled_back_at)
                                    values (:e, :r, :d, :now)
                                    on conflict (environment_id, region) do update set deployment_id = :d, rolled_back_at = :now""")
                            .bind("e", d.environmentId()).bind("r", region).bind("d", id).bind("now", now()).execute();
                }
            }
            events.append(h, new Event.DeploymentRolledBack(id, from, d.app(), regions.stream().sorted().toList(), clock.instant()));
        });
    }

    /** The regions of an application's environment rolled back to another deployment than its live one. */
    public java.util.Map<String, UUID> rolledBackRegions(UUID applicationId, String environment) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select r.region, r.deployment_id from environment_regions r
                        join environments e on e.id = r.environment_id
                        where e.application_id = :a and e.name = :env""")
                .bind("a", applicationId).bind("env", environment)
                .reduceRows(new java.util.TreeMap<String, UUID>(), (map, row) -> {
                    map.put(row.getColumn("region", String.class), row.getColumn("deployment_id", UUID.class));
                    return map;
                }));
    }

    /**
     * A preview environment ({@code preview/<n>} or {@code branch/<name>}) stops serving: its live deployment becomes {@code superseded} with the reason (its record
     * and logs stay), the environment serves nothing, and {@code preview.removed} is written.
     *
     * @return the deployment that was live there, if any
     */
    public Optional<UUID> removePreview(UUID applicationId, String app, String environment, String reason) {
        int pullRequest = Deployment.pullRequestOf(environment);
        return jdbi.inTransaction(h -> {
            Optional<UUID> live = h.createQuery("select live_deployment_id from environments where application_id = :a and name = :n"
                            + " and live_deployment_id is not null for update")
                    .bind("a", applicationId).bind("n", environment).mapTo(UUID.class).findOne();
            live.ifPresent(id -> {
                h.createUpdate("update environments set live_deployment_id = null where application_id = :a and name = :n")
                        .bind("a", applicationId).bind("n", environment).execute();
                h.createUpdate("update deployments set state = 'superseded', failure_reason = :r, updated_at = :now"
                                + " where id = :id and state = 'live'")
                        .bind("r", reason).bind("now", now()).bind("id", id).execute();
                events.append(h, new Event.PreviewRemoved(id, app, environment, pullRequest, reason, clock.instant()));
            });
            return live;
        });
    }

    /** The newest deployment of an environment, if it has any. */
    public Optional<Deployment> latestIn(UUID applicationId, String environment) {
        return jdbi.withHandle(h -> h.createQuery(SELECT + " where d.application_id = :a and e.name = :n order by d.number desc limit 1")
                .bind("a", applicationId).bind("n", environment).map((rs, c) -> map(rs)).findOne());
    }

    /** Counts one more resume of a deployment interrupted by a platform stop; @return how many there have been now */
    public int resumed(UUID id) {
        return jdbi.withHandle(h -> h.createQuery("update deployments set resumes = resumes + 1 where id = :id returning resumes")
                .bind("id", id).mapTo(Integer.class).one());
    }

    /** A restart was asked for: emits {@code deployment.restart.requested}. */
    public void restartRequested(UUID id) {
        jdbi.useTransaction(h -> events.append(h, new Event.DeploymentRestartRequested(id, get(h, id).app(), clock.instant())));
    }

    /**
     * A restart finished: bumps {@code updated_at} (clients wait for that) and records why it failed, or clears the
     * reason when it worked. A failed restart leaves the running instances serving.
     */
    public void restartFinished(UUID id, String failureReason) {
        jdbi.useHandle(h -> h.createUpdate("update deployments set updated_at = :now, failure_reason = :r where id = :id")
                .bind("now", now()).bind("r", failureReason).bind("id", id).execute());
    }

    /** Puts a deployment whose re-promotion failed back in the state it had, keeping the reason. */
    public void restoreState(UUID id, DeploymentState state, String failureReason) {
        jdbi.useTransaction(h -> {
            h.createUpdate("update deployments set state = :s, failure_reason = :r, updated_at = :now where id = :id")
                    .bind("s", state.wireName()).bind("r", failureReason).bind("now", now()).bind("id", id).execute();
            events.append(h, new Event.DeploymentFailed(id, failureReason, clock.instant()));
        });
    }

    /** The artifact metadata recorded for a digest. */
    public Optional<ArtifactMetadata> artifact(String digest) {
        return jdbi.withHandle(h -> h.createQuery("select metadata::text from artifacts where digest = :d").bind("d", digest)
                .mapTo(String.class).findOne()).map(json -> {
                    try {
                        return Store.JSON.readValue(json, ArtifactMetadataJson.class).toMetadata();
                    } catch (JsonProcessingException e) {
                        throw new IllegalStateException("unreadable artifact metadata for " + digest, e);
                    }
                });
    }

    private void upsertArtifact(Handle h, ArtifactMetadata m) {
        h.createUpdate("""
                        insert into artifacts (digest, buildpack, kind, start_command, static_root, metadata)
                        values (:digest, :bp, :kind, :cmd, :root, cast(:meta as jsonb)) on conflict (digest) do nothing""")
                .bind("digest", m.digest()).bind("bp", m.buildpack()).bind("kind", m.kind().name().toLowerCase())
                .bind("cmd", m.startCommand()).bind("root", m.staticRoot()).bind("meta", ArtifactMetadataJson.of(m).write())
                .execute();
    }

    private Deployment get(Handle h, UUID id) {
        return h.createQuery(SELECT + " where d.id = :id").bind("id", id).map((rs, c) -> map(rs)).one();
    }

    private java.time.OffsetDateTime now() {
        return clock.instant().atOffset(ZoneOffset.UTC);
    }

    static Deployment map(ResultSet rs) throws SQLException {
        return new Deployment(rs.getObject("id", UUID.class), rs.getObject("application_id", UUID.class), rs.getString("app_name"),
                rs.getObject("environment_id", UUID.class), rs.getString("env_name"), rs.getInt("number"),
                DeploymentState.fromWire(rs.getString("state")), SourceJson.read(rs.getString("source")), rs.getString("trigger"),
                rs.getString("artifact_digest"), rs.getString("failure_reason"), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }
}
