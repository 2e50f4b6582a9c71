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

    /**
     * Which lines a reader wants: all filters are optional (null).
     *
     * @param deploymentId only this deployment's lines
     * @param since        at or after this time
     * @param until        before this time
     * @param text         lines containing this text, case-insensitively
     */
    public record Filter(UUID deploymentId, Instant since, Instant until, String text) {
        public static final Filter NONE = new Filter(null, null, null, null);
    }

    private static final String WHERE = """
            where application_id = :a
              and (cast(:dep as uuid) is null or deployment_id = cast(:dep as uuid))
              and (cast(:since as timestamptz) is null or at >= cast(:since as timestamptz))
              and (cast(:until as timestamptz) is null or at < cast(:until as timestamptz))
              and (cast(:text as text) is null or line ilike '%' || cast(:text as text) || '%' escape '\\')""";

    /** Lines after {@code after}, oldest first. */
    public List<Line> after(UUID applicationId, long after, int limit, Filter filter) {
        return jdbi.withHandle(h -> bind(h.createQuery("select * from runtime_log_lines " + WHERE + " and seq > :after order by seq limit :limit"),
                        applicationId, filter)
                .bind("after", after).bind("limit", limit).map((rs, c) -> map(rs)).list());
    }

    /** The newest {@code limit} lines, oldest first. */
    public List<Line> tail(UUID applicationId, int limit, Filter filter) {
        return jdbi.withHandle(h -> bind(h.createQuery("select * from (select * from runtime_log_lines " + WHERE
                        + " order by seq desc limit :limit) t order by seq"), applicationId, filter)
                .bind("limit", limit).map((rs, c) -> map(rs)).list());
    }

    /**
     * Applies the retention policy: drops lines older than {@code olderThan}, then keeps at most {@code maxLinesPerApp}
     * newest lines of each application.
     *
     * @return how many lines were dropped
     */
    public int prune(Instant olderThan, int maxLinesPerApp) {
        return jdbi.inTransaction(h -> h.createUpdate("delete from runtime_log_lines where at < :cutoff")
                .bind("cutoff", olderThan.atOffset(ZoneOffset.UTC)).execute()
                + h.createUpdate("""
                        delete from runtime_log_lines where seq in (
                          select seq from (select seq, row_number() over (partition by application_id order by seq desc) as rn
                                           from runtime_log_lines) t where t.rn > :max)""")
                .bind("max", maxLinesPerApp).execute());
    }

    private static org.jdbi.v3.core.statement.Query bind(org.jdbi.v3.core.statement.Query q, UUID app, Filter f) {
        String text = f.text() == null || f.text().isEmpty() ? null
                : f.text().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
        return q.bind("a", app).bind("dep", f.deploymentId())
                .bind("since", f.since() == null ? null : f.since().atOffset(ZoneOffset.UTC))
                .bind("until", f.until() == null ? null : f.until().atOffset(ZoneOffset.UTC))
                .bind("text", text);
    }

    private static Line map(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Line(rs.getLong("seq"), rs.getTimestamp("at").toInstant(), rs.getObject("deployment_id", UUID.class),
                rs.getString("source"), rs.getString("stream"), rs.getString("line"));
    }
}
