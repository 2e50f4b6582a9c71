package io.helixstack.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helixstack.domain.Source;

/** The {@code source} jsonb column: {@code {"type":"upload","digest":…}} or {@code {"type":"git","url":…,"ref":…,"sha":…}}. */
public final class SourceJson {
    private SourceJson() {
    }

    public static ObjectNode toNode(Source source) {
        ObjectNode n = Store.JSON.createObjectNode();
        switch (source) {
            case Source.Upload u -> n.put("type", "upload").put("digest", u.digest());
            case Source.Git g -> n.put("type", "git").put("url", g.url()).put("ref", g.ref()).put("sha", g.sha());
        }
        return n;
    }

    static String write(Source source) {
        return toNode(source).toString();
    }

    static Source read(String json) {
        try {
            JsonNode n = Store.JSON.readTree(json);
            return switch (n.path("type").asText()) {
                case "upload" -> new Source.Upload(n.path("digest").asText());
                case "git" -> new Source.Git(n.path("url").asText(), n.path("ref").asText(),
                        n.hasNonNull("sha") ? n.get("sha").asText() : null);
                default -> throw new IllegalStateException("unknown source type in the database: " + json);
            };
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable source in the database: " + json, e);
        }
    }
}
