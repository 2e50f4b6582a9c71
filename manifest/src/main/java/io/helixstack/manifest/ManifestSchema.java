package io.helixstack.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON Schema (draft 2020-12) of {@code helix.yaml}, for editor completion ({@code helix manifest
 * schema} prints it). It is also where the parser takes its allowed keys from, so the two cannot drift.
 */
public final class ManifestSchema {
    static final String RESOURCE = "helix-manifest.schema.json";
    private static final String JSON = load();
    static final Keys KEYS = Keys.from(JSON);

    private ManifestSchema() {}

    /** The schema document. */
    public static String json() {
        return JSON;
    }

    /** The keys allowed at each level of the manifest, in the schema's order. */
    record Keys(List<String> root, List<String> build, List<String> service, List<String> healthcheck, List<String> database) {
        static Keys from(String schema) {
            try {
                JsonNode root = new ObjectMapper().readTree(schema);
                JsonNode defs = root.path("$defs");
                return new Keys(names(root), names(defs.path("build")), names(defs.path("service")),
                        names(defs.path("healthcheck")), names(defs.path("database")));
            } catch (IOException e) {
                throw new UncheckedIOException("the bundled " + RESOURCE + " is not JSON", e);
            }
        }

        private static List<String> names(JsonNode node) {
            List<String> names = new ArrayList<>();
            node.path("properties").fieldNames().forEachRemaining(names::add);
            if (names.isEmpty()) {
                throw new IllegalStateException("the bundled " + RESOURCE + " lists no properties where the parser expects some");
            }
            return List.copyOf(names);
        }
    }

    private static String load() {
        try (InputStream in = ManifestSchema.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the helix-manifest jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
