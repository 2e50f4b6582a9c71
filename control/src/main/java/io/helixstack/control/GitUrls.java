package io.helixstack.control;

import io.helixstack.domain.InvalidInputException;
import java.util.regex.Pattern;

/** Validation of repository URLs and refs given to the API, before anything is recorded. */
final class GitUrls {
    private static final Pattern REF = Pattern.compile("[A-Za-z0-9._/-]{1,200}");

    private GitUrls() {
    }

    static String validOrNull(String url) {
        if (url == null || url.isBlank()) {
            return null;
        }
        String u = url.strip();
        boolean ok = u.startsWith("https://") || u.startsWith("http://") || u.startsWith("ssh://") || u.startsWith("git://")
                || u.startsWith("file://") || u.matches("[\\w.-]+@[\\w.-]+:[\\w./-]+");
        if (!ok || u.chars().anyMatch(Character::isWhitespace) || u.startsWith("-")) {
            throw new InvalidInputException("git_repository: \"" + url + "\" (expected: an https://, ssh://, git:// or file:// URL,"
                    + " or user@host:path)");
        }
        return u;
    }

    static String validRef(String ref) {
        if (ref == null || !REF.matcher(ref).matches() || ref.startsWith("-") || ref.contains("..")) {
            throw new InvalidInputException("ref: \"" + ref + "\" (expected: a branch, tag or commit sha such as main)");
        }
        return ref;
    }
}
