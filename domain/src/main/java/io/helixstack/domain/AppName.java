package io.helixstack.domain;

import java.util.Objects;
import java.util.regex.Pattern;

/** An application name, usable as a DNS label: it becomes the host {@code <name>.<base-domain>}. */
public record AppName(String value) {
    private static final Pattern VALID = Pattern.compile("[a-z]([a-z0-9-]{0,38}[a-z0-9])?");

    public AppName {
        Objects.requireNonNull(value, "value");
        if (!VALID.matcher(value).matches() || value.contains("--")) {
            throw new InvalidInputException("app name: \"" + value + "\" (expected: 1-40 lowercase letters, digits and single"
                    + " dashes, starting with a letter and not ending with a dash, e.g. \"hello-node\")");
        }
    }

    public static AppName of(String value) {
        return new AppName(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
