package io.helixstack.manifest;

import java.util.List;
import java.util.Optional;

/**
 * A YAML document as a tree that remembers where every key and value started, so that each
 * validation error can name its line and column (Jackson's own {@code JsonNode} forgets them).
 */
sealed interface YamlNode {
    /** 1-based line and column, as editors count. */
    record Location(int line, int column) {}

    Location location();

    /** The value as an error message shows it: strings quoted, other scalars as written. */
    String describe();

    record Entry(String key, Location keyLocation, YamlNode value) {}

    /** {@code complete} is false when entries were dropped after being reported (aliases): absence proves nothing then. */
    record Mapping(Location location, List<Entry> entries, boolean complete) implements YamlNode {
        public Mapping {
            entries = List.copyOf(entries);
        }

        Optional<Entry> entry(String key) {
            return entries.stream().filter(e -> e.key().equals(key)).findFirst();
        }

        @Override
        public String describe() {
            return "a mapping";
        }
    }

    record Sequence(Location location, int size) implements YamlNode {
        @Override
        public String describe() {
            return "a list";
        }
    }

    enum Kind { STRING, INTEGER, DECIMAL, BOOLEAN, NULL }

    /** A scalar: {@code text} is the value as written; {@code number} is set for INTEGER and finite DECIMAL values. */
    record Scalar(Location location, Kind kind, String text, Number number) implements YamlNode {
        @Override
        public String describe() {
            return switch (kind) {
                case STRING -> quote(text);
                case NULL -> "null";
                default -> text;
            };
        }
    }

    /** JSON-style quoting, shortened: error messages stay one readable line whatever the input. */
    static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        int max = 80;
        for (int i = 0; i < text.length(); i++) {
            if (i == max) {
                out.append("…");
                break;
            }
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
