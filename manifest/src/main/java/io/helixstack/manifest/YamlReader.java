package io.helixstack.manifest;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.helixstack.manifest.YamlNode.Entry;
import io.helixstack.manifest.YamlNode.Kind;
import io.helixstack.manifest.YamlNode.Location;
import io.helixstack.manifest.YamlNode.Mapping;
import io.helixstack.manifest.YamlNode.Scalar;
import io.helixstack.manifest.YamlNode.Sequence;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads YAML text into a {@link YamlNode} tree with Jackson's streaming YAML parser, keeping each
 * token's location. Syntax errors, duplicate keys and aliases become {@link ManifestError}s; nothing
 * here throws.
 */
final class YamlReader {
    static final int MAX_CHARS = 1_000_000;
    // Deeper than any manifest needs; keeps recursion over hostile input bounded.
    private static final int MAX_DEPTH = 32;
    private static final YAMLFactory FACTORY = factory();

    private final String file;
    private final List<ManifestError> errors;
    private JsonParser parser;

    private YamlReader(String file, List<ManifestError> errors) {
        this.file = file;
        this.errors = errors;
    }

    /** The document's root, or empty when the text is not one readable YAML document (the reasons are in errors). */
    static Optional<YamlNode> read(String file, String text, List<ManifestError> errors) {
        if (text.length() > MAX_CHARS) {
            errors.add(new ManifestError(file, 1, 1, "", "the file has " + text.length() + " characters (expected: at most "
                    + MAX_CHARS + ")"));
            return Optional.empty();
        }
        return new YamlReader(file, errors).readDocument(text);
    }

    private static YAMLFactory factory() {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_CHARS * 2);
        options.setNestingDepthLimit(MAX_DEPTH * 2);
        // An empty plain value ("command:") is null as YAML says, not "": the error then says what it is.
        return YAMLFactory.builder().loaderOptions(options).enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL).build();
    }

    private Optional<YamlNode> readDocument(String text) {
        try (JsonParser p = FACTORY.createParser(text)) {
            parser = p;
            JsonToken first = p.nextToken();
            if (first == null) {
                errors.add(new ManifestError(file, 1, 1, "", "the file is empty (expected: a mapping with at least \"name\""
                        + " and \"services\")"));
                return Optional.empty();
            }
            YamlNode root = readValue(first, "", 0);
            if (p.nextToken() != null) {
                Location at = location();
                errors.add(new ManifestError(file, at.line(), at.column(), "", "a second YAML document starts here"
                        + " (expected: one document; remove the \"---\" separator)"));
            }
            return Optional.ofNullable(root);
        } catch (TooDeep e) {
            return Optional.empty();
        } catch (JacksonException e) {
            errors.add(syntaxError(e));
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            // SnakeYAML can fail outside Jackson's wrapping; the input is still what was wrong.
            errors.add(syntaxError(e));
            return Optional.empty();
        }
    }

    /** The node for the value whose first token is current; null when it was dropped (an alias, already reported). */
    private YamlNode readValue(JsonToken token, String path, int depth) throws IOException {
        Location at = location();
        if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
            errors.add(new ManifestError(file, at.line(), at.column(), path, "alias *" + parser.getText()
                    + " (expected: a plain value; YAML anchors and aliases are not supported)"));
            return null;
        }
        if ((token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) && depth >= MAX_DEPTH) {
            errors.add(new ManifestError(file, at.line(), at.column(), path, "nested too deeply (expected: at most "
                    + MAX_DEPTH + " levels)"));
            // Nothing below is worth reading, and skipping it could run into Jackson's own depth limit.
            throw new TooDeep();
        }
        return switch (token) {
            case START_OBJECT -> readMapping(at, path, depth);
            case START_ARRAY -> readSequence(at, path, depth);
            case VALUE_NUMBER_INT -> new Scalar(at, Kind.INTEGER, parser.getText(), integerValue());
            case VALUE_NUMBER_FLOAT -> new Scalar(at, Kind.DECIMAL, parser.getText(), decimalValue());
            case VALUE_TRUE, VALUE_FALSE -> new Scalar(at, Kind.BOOLEAN, parser.getText(), null);
            case VALUE_NULL -> new Scalar(at, Kind.NULL, "null", null);
            default -> new Scalar(at, Kind.STRING, String.valueOf(parser.getText()), null);
        };
    }

    private Mapping readMapping(Location at, String path, int depth) throws IOException {
        List<Entry> entries = new ArrayList<>();
        Map<String, Location> seen = new HashMap<>();
        boolean complete = true;
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String key = String.valueOf(parser.currentName());
            Location keyAt = location();
            String keyPath = path.isEmpty() ? key : path + "." + key;
            YamlNode value = readValue(parser.nextToken(), keyPath, depth + 1);
            Location first = seen.putIfAbsent(key, keyAt);
            if (first != null) {
                errors.add(new ManifestError(file, keyAt.line(), keyAt.column(), keyPath, "duplicate key (expected: each key"
                        + " once; the first is at line " + first.line() + ")"));
            } else if (value != null) {
                entries.add(new Entry(key, keyAt, value));
            } else {
                complete = false;
            }
        }
        if (token != JsonToken.END_OBJECT) {
            throw new IllegalStateException("unexpected " + token + " in a mapping");
        }
        return new Mapping(at, entries, complete);
    }

    private Sequence readSequence(Location at, String path, int depth) throws IOException {
        int size = 0;
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY && token != null) {
            // Items are read (not skipped) so that aliases and duplicates inside them are reported too.
            readValue(token, path + "[" + size + "]", depth + 1);
            size++;
        }
        return new Sequence(at, size);
    }

    private Number integerValue() {
        try {
            return parser.getBigIntegerValue();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private Number decimalValue() {
        try {
            BigDecimal value = parser.getDecimalValue();
            return value;
        } catch (IOException | RuntimeException e) {
            return null; // .inf, .nan
        }
    }

    private Location location() {
        return location(parser.currentTokenLocation());
    }

    private static Location location(JsonLocation at) {
        if (at == null || at.getLineNr() < 1) {
            return new Location(1, 1);
        }
        return new Location(at.getLineNr(), Math.max(1, at.getColumnNr()));
    }

    private ManifestError syntaxError(Exception e) {
        MarkedYAMLException marked = markedCause(e);
        if (marked != null && marked.getProblemMark() != null) {
            Mark mark = marked.getProblemMark();
            String problem = String.valueOf(marked.getProblem()).strip();
            String message;
            if (problem.contains("\\t") || problem.contains("TAB") || problem.contains("\t")) {
                message = "tab character (expected: spaces for indentation; YAML does not allow tabs there)";
            } else {
                String context = marked.getContext() == null ? "" : " " + marked.getContext().strip();
                Mark contextMark = marked.getContextMark();
                String where = contextMark == null ? "" : " at " + (contextMark.getLine() + 1) + ":" + (contextMark.getColumn() + 1);
                message = "not valid YAML: " + problem + (context.isBlank() ? "" : " (" + context.strip() + where + ")");
            }
            return new ManifestError(file, mark.getLine() + 1, mark.getColumn() + 1, "", message);
        }
        Location at = e instanceof JacksonException je ? location(je.getLocation()) : new Location(1, 1);
        String detail = e instanceof JacksonException je ? je.getOriginalMessage() : e.getMessage();
        if (detail != null && detail.startsWith("Expected a field name")) {
            // Jackson's wording for a YAML complex key ("? [a, b]" or "{x}: y"), which JSON-like data cannot hold.
            return new ManifestError(file, at.line(), at.column(), "", "a mapping or list used as a key (expected: plain"
                    + " keys such as name or http_port)");
        }
        return new ManifestError(file, at.line(), at.column(), "", "not valid YAML: "
                + (detail == null || detail.isBlank() ? e.getClass().getSimpleName() : firstLine(detail)));
    }

    /** Stops reading after a too-deep value was reported. */
    private static final class TooDeep extends RuntimeException {
        TooDeep() {
            super(null, null, false, false);
        }
    }

    private static MarkedYAMLException markedCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof MarkedYAMLException m) {
                return m;
            }
        }
        return null;
    }

    private static String firstLine(String text) {
        int nl = text.indexOf('\n');
        return (nl < 0 ? text : text.substring(0, nl)).strip();
    }
}
