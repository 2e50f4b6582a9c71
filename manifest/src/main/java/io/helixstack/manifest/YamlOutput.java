package io.helixstack.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/** Builds the translators' documents as ordered maps and writes them as YAML. */
final class YamlOutput {
    // Every string stays double-quoted: unquoted "3000:3000" is a base-60 number to YAML 1.1 readers
    // such as docker-compose's, and "no", "on" or "0.5" would change type too.
    private static final YAMLMapper MAPPER = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .disable(YAMLGenerator.Feature.SPLIT_LINES)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .build();

    private YamlOutput() {}

    static String write(Object document) {
        try {
            return MAPPER.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("generated document cannot be written as YAML", e);
        }
    }

    /** Several documents in one stream, separated by {@code ---}. */
    static String writeAll(List<?> documents) {
        return documents.stream().map(YamlOutput::write).collect(Collectors.joining("---\n"));
    }

    /** An ordered map from key/value pairs; null values are left out, so optional parts read naturally. */
    static Map<String, Object> map(Object... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("map(...) needs key/value pairs, got " + keyValues.length + " arguments");
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            if (keyValues[i + 1] != null) {
                map.put((String) Objects.requireNonNull(keyValues[i], "key"), keyValues[i + 1]);
            }
        }
        return map;
    }

    /** A list without the null items. */
    static List<Object> list(Object... items) {
        return new ArrayList<>(Arrays.stream(items).filter(Objects::nonNull).toList());
    }

    /** Null instead of an empty map or list, so that {@link #map} leaves the key out. */
    static <T> T nonEmpty(T value) {
        if (value instanceof Map<?, ?> m && m.isEmpty() || value instanceof List<?> l && l.isEmpty()) {
            return null;
        }
        return value;
    }
}
