package io.helixstack.store;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.Jdbi;

/** Runtime log lines of applications' instances, kept across redeploys and restarts. */
public final class RuntimeLogRepository {
    /** A stored line; {@code seq} orders all lines of an application. */
    public record Line(long seq, Instant at, UUID deploymentId, String source, String stream, String line) {
    }

    /** A line to store. */
    public record NewLine(UUID applicationId, UUID deploymentId, Instant at, String source, String stream, String line) {
    }

    private final Jdbi jdbi;

    RuntimeLogRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public void append(List<NewLine> lines) {
        if (lines.isEmpty()) {
            return;
        }
        jdbi.useHandle(h -> {
            PreparedBatch b = h.prepareBatch("""
                    insert into runtime_log_lines (application_id, deployment_id, source, stream, at, line)
                    values (:a, :d, :src, :stream, :at, :line)""");
            for (NewLine l : lines) {
                b.bind("a", l.applicationId()).bind("d", l.deploymentId()).bind("src", l.source()).bind("stream", l.stream())
                        .bind("at", l.at().atOffset(ZoneOffset.UTC)).bind("line", l.line()).add();
            }
            b.execute();
        });
    }

    /** Lines after {@code after}, oldest first. */
    public List<Line> after(UUID applicationId, long after, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select * from runtime_log_lines where application_id = :a and seq > :after order by seq limit :limit""")
                .bind("a", applicationId).bind("after", after).bind("limit", limit).map((rs, c) -> map(rs)).list());
    }

    /** The newest {@code limit} lines, oldest first. */
    public List<Line> tail(UUID applicationId, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select * from (select * from runtime_log_lines where application_id = :a order by seq desc limit :limit) t
                        order by seq""")
                .bind("a", applicationId).bind("limit", limit).map((rs, c) -> map(rs)).list());
    }

    private static Line map(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Line(rs.getLong("seq"), rs.getTimestamp("at").toInstant(), rs.getObject("deployment_id", UUID.class),
                rs.getString("source"), rs.getString("stream"), rs.getString("line"));
    }
}
