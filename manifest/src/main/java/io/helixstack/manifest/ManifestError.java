package io.helixstack.manifest;

import java.util.Objects;

/**
 * One problem in a manifest, located as editors and compilers do.
 *
 * @param file    the manifest's file name as the user knows it, e.g. {@code helix.yaml}
 * @param line    1-based line
 * @param column  1-based column
 * @param path    the key path, e.g. {@code services.web.http_port}; empty for problems of the whole file
 * @param message the bad value and what was expected, e.g. {@code "abc" (expected: integer 1-65535)}
 */
public record ManifestError(String file, int line, int column, String path, String message) {
    public ManifestError {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
        if (line < 1 || column < 1) {
            throw new IllegalArgumentException("line " + line + ", column " + column + " (expected: both >= 1)");
        }
        if (message.isBlank()) {
            throw new IllegalArgumentException("message: blank (expected: what was wrong and what was expected)");
        }
    }

    /** {@code helix.yaml:12:17: services.web.http_port: "abc" (expected: integer 1-65535)}. */
    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + (path.isEmpty() ? "" : path + ": ") + message;
    }
}
