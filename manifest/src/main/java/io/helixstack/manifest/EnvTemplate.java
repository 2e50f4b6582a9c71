package io.helixstack.manifest;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * An env value as a template: literal text and {@code ${<database>.<FIELD>}} references. {@code $${}
 * is a literal {@code ${}; any other {@code $} is literal, so passwords such as {@code pa$$word} stay
 * as written.
 */
final class EnvTemplate {
    static final List<String> FIELDS = List.of("URL", "HOST", "PORT", "USER", "PASSWORD", "DATABASE");
    private static final String REFERENCE_EXPECTED = "${<database>.<FIELD>} with FIELD one of " + String.join(", ", FIELDS)
            + "; write $${ for a literal ${";

    sealed interface Part {}

    record Text(String text) implements Part {}

    record Reference(String database, String field) implements Part {}

    /** The parts, or (when {@code problem} is not null) what is wrong, phrased to follow the quoted value. */
    record Parsed(List<Part> parts, String problem) {
        boolean ok() {
            return problem == null;
        }
    }

    private EnvTemplate() {}

    static Parsed parse(String raw) {
        List<Part> parts = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        int i = 0;
        while (i < raw.length()) {
            if (raw.startsWith("$${", i)) {
                text.append("${");
                i += 3;
            } else if (raw.startsWith("${", i)) {
                int close = raw.indexOf('}', i + 2);
                if (close < 0) {
                    return new Parsed(List.of(), "has an unclosed \"${\" (expected: " + REFERENCE_EXPECTED + ")");
                }
                String inner = raw.substring(i + 2, close);
                int dot = inner.indexOf('.');
                if (dot <= 0 || dot == inner.length() - 1) {
                    return new Parsed(List.of(), "has " + YamlNode.quote("${" + inner + "}")
                            + ", which is not a database reference (expected: " + REFERENCE_EXPECTED + ")");
                }
                String field = inner.substring(dot + 1);
                if (!FIELDS.contains(field)) {
                    String hint = DidYouMean.suggest(field, FIELDS).map(s -> "; did you mean \"" + s + "\"?").orElse("");
                    return new Parsed(List.of(), "has unknown field " + YamlNode.quote(field) + " (expected: one of "
                            + String.join(", ", FIELDS) + hint + ")");
                }
                if (!text.isEmpty()) {
                    parts.add(new Text(text.toString()));
                    text.setLength(0);
                }
                parts.add(new Reference(inner.substring(0, dot), field));
                i = close + 1;
            } else {
                text.append(raw.charAt(i));
                i++;
            }
        }
        if (!text.isEmpty()) {
            parts.add(new Text(text.toString()));
        }
        return new Parsed(List.copyOf(parts), null);
    }

    /** The databases a valid value references, in order of appearance. */
    static Set<String> databases(String raw) {
        Set<String> names = new LinkedHashSet<>();
        for (Part part : parse(raw).parts()) {
            if (part instanceof Reference r) {
                names.add(r.database());
            }
        }
        return names;
    }

    /** The value with literal text passed through {@code literal} and each reference replaced by {@code reference}. */
    static String render(String raw, Function<String, String> literal, Function<Reference, String> reference) {
        Parsed parsed = parse(raw);
        if (!parsed.ok()) {
            throw new IllegalArgumentException("env value " + YamlNode.quote(raw) + " " + parsed.problem());
        }
        StringBuilder out = new StringBuilder();
        for (Part part : parsed.parts()) {
            out.append(switch (part) {
                case Text t -> literal.apply(t.text());
                case Reference r -> reference.apply(r);
            });
        }
        return out.toString();
    }
}
