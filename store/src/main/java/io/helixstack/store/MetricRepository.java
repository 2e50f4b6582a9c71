package io.helixstack.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * Sampled metrics of deployments: counter and histogram deltas and gauge readings, kept for the retention period, so
 * that a window of traffic ("the last hour") can be summed after restarts and redeploys.
 */
public final class MetricRepository {
    /** A stored point; {@code kind} is {@code counter}, {@code gauge} or {@code histogram}. */
    public record Point(UUID applicationId, UUID deploymentId, String name, String kind, String unit,
                        Map<String, String> attributes, Instant start, Instant at, double value, List<Double> bounds,
                        List<Long> counts) {
        public Point {
            attributes = Map.copyOf(attributes);
            bounds = List.copyOf(bounds);
            counts = List.copyOf(counts);
        }
    }

    private static final TypeReference<Map<String, String>> ATTRIBUTES = new TypeReference<>() {
    };

    private final Jdbi jdbi;

    MetricRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public void append(List<Point> points) {
        if (points.isEmpty()) {
            return;
        }
        jdbi.useHandle(h -> {
            PreparedBatch b = h.prepareBatch("""
                    insert into metric_points (application_id, deployment_id, name, kind, unit, attributes, start_at, at, value,
                                               bounds, counts)
                    values (:a, :d, :name, :kind, :unit, cast(:attrs as jsonb), :start, :at, :value, :bounds, :counts)""");
            for (Point p : points) {
                b.bind("a", p.applicationId()).bind("d", p.deploymentId()).bind("name", p.name()).bind("kind", p.kind())
                        .bind("unit", p.unit()).bind("attrs", json(p.attributes()))
                        .bind("start", p.start().atOffset(ZoneOffset.UTC)).bind("at", p.at().atOffset(ZoneOffset.UTC))
                        .bind("value", p.value())
                        .bind("bounds", p.bounds().isEmpty() ? null : p.bounds().toArray(Double[]::new))
                        .bind("counts", p.counts().isEmpty() ? null : p.counts().toArray(Long[]::new))
                        .add();
            }
            b.execute();
        });
    }

    /** An application's points whose interval ends after {@code since}, oldest first. */
    public List<Point> since(UUID applicationId, Instant since) {
        return jdbi.withHandle(h -> h.createQuery("select * from metric_points where application_id = :a and at > :since order by id")
                .bind("a", applicationId).bind("since", since.atOffset(ZoneOffset.UTC))
                .map((rs, c) -> map(rs)).list());
    }

    /** Every point of a deployment, oldest first. */
    public List<Point> ofDeployment(UUID deploymentId) {
        return jdbi.withHandle(h -> h.createQuery("select * from metric_points where deployment_id = :d order by id")
                .bind("d", deploymentId).map((rs, c) -> map(rs)).list());
    }

    /** Drops points older than {@code olderThan}; returns how many. */
    public int prune(Instant olderThan) {
        return jdbi.withHandle(h -> h.createUpdate("delete from metric_points where at < :cutoff")
                .bind("cutoff", olderThan.atOffset(ZoneOffset.UTC)).execute());
    }

    private static Point map(ResultSet rs) throws SQLException {
        Map<String, String> attributes;
        try {
            attributes = Store.JSON.readValue(rs.getString("attributes"), ATTRIBUTES);
        } catch (JsonProcessingException e) {
            throw new SQLException("metric_points.attributes is not a JSON object of strings: " + e.getMessage(), e);
        }
        return new Point(rs.getObject("application_id", UUID.class), rs.getObject("deployment_id", UUID.class),
                rs.getString("name"), rs.getString("kind"), rs.getString("unit"), attributes,
                rs.getTimestamp("start_at").toInstant(), rs.getTimestamp("at").toInstant(), rs.getDouble("value"),
                doubles(rs.getArray("bounds")), longs(rs.getArray("counts")));
    }

    private static List<Double> doubles(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((Double[]) array.getArray());
    }

    private static List<Long> longs(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((Long[]) array.getArray());
    }

    private static String json(Map<String, String> attributes) {
        try {
            return Store.JSON.writeValueAsString(attributes);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("metric attributes: " + e.getMessage(), e);
        }
    }
}
