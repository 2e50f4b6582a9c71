package io.helixstack.cli;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One answer of {@code GET /deployments/{id}/build-log?after=N}: the lines after N and whether the build is over.
 *
 * @param lastSeq the highest {@code seq} in this page, or the {@code after} asked for when the page is empty
 */
record BuildLogPage(List<String> lines, long lastSeq, boolean done) {
    BuildLogPage {
        lines = List.copyOf(lines);
    }

    static BuildLogPage of(JsonNode node, long after) {
        List<String> lines = new ArrayList<>();
        long last = after;
        JsonNode array = node.get("lines");
        if (array != null && array.isArray()) {
            for (JsonNode line : array) {
                long seq = Json.number(line, "seq", last + 1);
                // The server promises seq > after; filtering anyway keeps a replaying server from duplicating lines.
                if (seq > after) {
                    lines.add(String.valueOf(Json.text(line, "line")));
                    last = Math.max(last, seq);
                }
            }
        }
        return new BuildLogPage(lines, last, node.path("done").asBoolean(false));
    }
}
