package io.helixstack.manifest;

import io.helixstack.manifest.YamlNode.Entry;
import io.helixstack.manifest.YamlNode.Kind;
import io.helixstack.manifest.YamlNode.Location;
import io.helixstack.manifest.YamlNode.Mapping;
import io.helixstack.manifest.YamlNode.Scalar;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Typed reads of {@link YamlNode}s that record a located {@link ManifestError} instead of failing: each
 * returns empty after reporting what was found and what was expected.
 */
final class Checks {
    private final String file;
    private final List<ManifestError> errors;

    Checks(String file, List<ManifestError> errors) {
        this.file = file;
        this.errors = errors;
    }

    String file() {
        return file;
    }

    boolean hasErrors() {
        return !errors.isEmpty();
    }

    void error(Location at, String path, String message) {
        errors.add(new ManifestError(file, at.line(), at.column(), path, message));
    }

    /** {@code <path>: <value> (expected: <expected>)}, located at the value. */
    void bad(YamlNode node, String path, String expected) {
        error(node.location(), path, node.describe() + " (expected: " + expected + ")");
    }

    void missing(Mapping parent, String path, String expected) {
        error(parent.location(), path, "missing (expected: " + expected + ")");
    }

    Optional<Mapping> mapping(YamlNode node, String path, String expected) {
        if (node instanceof Mapping m) {
            return Optional.of(m);
        }
        bad(node, path, expected);
        return Optional.empty();
    }

    /** Every key that is not allowed is an error at the key, with the closest allowed key when one is near. */
    void onlyKeys(Mapping mapping, String path, List<String> allowed) {
        for (Entry entry : mapping.entries()) {
            if (!allowed.contains(entry.key())) {
                String hint = DidYouMean.suggest(entry.key(), allowed)
                        .map(s -> "did you mean \"" + s + "\"?")
                        .orElseGet(() -> "expected: one of " + allowed.stream().map(k -> "\"" + k + "\"")
                                .collect(Collectors.joining(", ")));
                error(entry.keyLocation(), join(path, entry.key()), "unknown key (" + hint + ")");
            }
        }
    }

    Optional<String> string(YamlNode node, String path, String expected) {
        if (node instanceof Scalar s && s.kind() == Kind.STRING && !s.text().isBlank()) {
            return Optional.of(s.text());
        }
        bad(node, path, expected);
        return Optional.empty();
    }

    Optional<Integer> integer(YamlNode node, String path, long min, long max, String expected) {
        if (node instanceof Scalar s && s.kind() == Kind.INTEGER && s.number() instanceof BigInteger n
                && n.compareTo(BigInteger.valueOf(min)) >= 0 && n.compareTo(BigInteger.valueOf(max)) <= 0) {
            return Optional.of(n.intValueExact());
        }
        bad(node, path, expected);
        return Optional.empty();
    }

    Optional<BigDecimal> decimal(YamlNode node) {
        if (node instanceof Scalar s) {
            if (s.number() instanceof BigInteger n) {
                return Optional.of(new BigDecimal(n));
            }
            if (s.number() instanceof BigDecimal d) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /** Scalars other than null as written: env values and image tags may be numbers or booleans in YAML. */
    Optional<String> scalarText(YamlNode node, String path, String expected) {
        if (node instanceof Scalar s && s.kind() != Kind.NULL) {
            return Optional.of(s.text());
        }
        bad(node, path, expected);
        return Optional.empty();
    }

    static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }
}
