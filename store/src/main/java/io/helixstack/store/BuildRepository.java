package io.helixstack.store;

import io.helixstack.domain.Event;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** Builds and their logs, kept line by line. */
public final class BuildRepository {
    /** One line of a build log. */
    public record LogLine(int seq, Instant at, String line) {
    }

    private final Jdbi jdbi;
    private final EventOutbox events;
    private final Clock clock;

    BuildRepository(Jdbi jdbi, EventOutbox events, Clock clock) {
        this.jdbi = jdbi;
        this.events = events;
        this.clock = clock;
    }

    /** Records a running build for the deployment and emits {@code build.requested}. */
    public UUID start(UUID deploymentId, String sourceDescription) {
        UUID id = UUID.randomUUID();
        jdbi.useTransaction(h -> {
            h.createUpdate("insert into builds (id, deployment_id, state, started_at) values (:id, :d, 'running', :now)")
                    .bind("id", id).bind("d", deploymentId).bind("now", clock.instant().atOffset(ZoneOffset.UTC)).execute();
            events.append(h, new Event.BuildRequested(deploymentId, id, sourceDescription, clock.instant()));
        });
        return id;
    }

    public void appendLog(UUID buildId, int seq, Instant at, String line) {
        jdbi.useHandle(h -> h.createUpdate("insert into build_log_lines (build_id, seq, at, line) values (:b, :s, :at, :l)")
                .bind("b", buildId).bind("s", seq).bind("at", at.atOffset(ZoneOffset.UTC)).bind("l", line).execute());
    }

    /** Emits {@code build.succeeded}; call after the artifact row exists (see {@link DeploymentRepository#markBuilt}). */
    public void succeeded(UUID buildId, UUID deploymentId, String artifactDigest) {
        jdbi.useTransaction(h -> {
            h.createUpdate("update builds set state = 'succeeded', artifact_digest = :a, finished_at = :now where id = :id")
                    .bind("a", artifactDigest).bind("now", clock.instant().atOffset(ZoneOffset.UTC)).bind("id", buildId).execute();
            events.append(h, new Event.BuildSucceeded(deploymentId, buildId, artifactDigest, clock.instant()));
        });
    }

    public void failed(UUID buildId, UUID deploymentId, String reason) {
        jdbi.useTransaction(h -> {
            h.createUpdate("update builds set state = 'failed', failure_reason = :r, finished_at = :now where id = :id and state = 'running'")
                    .bind("r", reason).bind("now", clock.instant().atOffset(ZoneOffset.UTC)).bind("id", buildId).execute();
            events.append(h, new Event.BuildFailed(deploymentId, buildId, reason, clock.instant()));
        });
    }

    /** After a crash: builds recorded as running ran in the process that died. */
    public int failRunning(String reason) {
        return jdbi.withHandle(h -> h.createUpdate(
                        "update builds set state = 'failed', failure_reason = :r, finished_at = :now where state = 'running'")
                .bind("r", reason).bind("now", clock.instant().atOffset(ZoneOffset.UTC)).execute());
    }

    /** A build worker stopped mid-build: the deployment's builds recorded as running ran in the worker that died. */
    public int failRunning(UUID deploymentId, String reason) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        update builds set state = 'failed', failure_reason = :r, finished_at = :now
                        where deployment_id = :d and state = 'running'""")
                .bind("r", reason).bind("now", clock.instant().atOffset(ZoneOffset.UTC)).bind("d", deploymentId).execute());
    }

    /** Lines of the deployment's latest build with {@code seq > after}, in order. */
    public List<LogLine> logOfDeployment(UUID deploymentId, int after, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select l.seq, l.at, l.line from build_log_lines l
                        where l.build_id = (select id from builds where deployment_id = :d order by started_at desc limit 1)
                          and l.seq > :after order by l.seq limit :limit""")
                .bind("d", deploymentId).bind("after", after).bind("limit", limit)
                .map((rs, c) -> new LogLine(rs.getInt("seq"), rs.getTimestamp("at").toInstant(), rs.getString("line"))).list());
    }

    /** Number of builds ever run for the deployment (a rollback or restart runs none). */
    public int countForDeployment(UUID deploymentId) {
        return jdbi.withHandle(h -> h.createQuery("select count(*) from builds where deployment_id = :d")
                .bind("d", deploymentId).mapTo(Integer.class).one());
    }

    public Optional<UUID> latestFor(UUID deploymentId) {
        return jdbi.withHandle(h -> h.createQuery("select id from builds where deployment_id = :d order by started_at desc limit 1")
                .bind("d", deploymentId).mapTo(UUID.class).findOne());
    }
}
