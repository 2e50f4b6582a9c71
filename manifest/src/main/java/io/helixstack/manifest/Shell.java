package io.helixstack.manifest;

/** Quoting for the few shell snippets the translators write (healthchecks), whatever the manifest holds. */
final class Shell {
    private Shell() {}

    /** Single-quoted, with embedded single quotes closed, escaped and reopened. */
    static String quote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
