package io.helixstack.cli;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.databind.JsonNode;

/** One line of an application's runtime log, as {@code GET /applications/{app}/logs} and its SSE stream send it. */
record LogLine(long seq, String at, String deploymentId, String source, String stream, String line, JsonNode json) {
    static LogLine of(JsonNode node) {
        return new LogLine(Json.number(node, "seq", 0), Json.text(node, "at"), Json.text(node, "deployment_id"),
                Json.text(node, "source"), Json.text(node, "stream"), Json.text(node, "line"), node);
    }

    /** {@code 2026-11-23T15:01:02Z d-ab12cd34 web.1 | text}: second precision is enough to read, and aligns. */
    String format() {
        return seconds(at) + " " + (deploymentId == null ? "-" : "d-" + Deployment.shortId(deploymentId)) + " "
                + (source == null ? "-" : source) + " | " + (line == null ? "" : line);
    }

    private static String seconds(String at) {
        if (at == null) {
            return "-";
        }
        try {
            return Instant.parse(at).truncatedTo(ChronoUnit.SECONDS).toString();
        } catch (DateTimeParseException e) {
            return at;
        }
    }
}
