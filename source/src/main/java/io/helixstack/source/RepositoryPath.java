package io.helixstack.source;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The forge's name of a repository from any URL a user links: {@code https://github.com/acme/shop.git},
 * {@code git@github.com:acme/shop}, {@code ssh://git@gitlab.example.com:2222/group/sub/shop.git} all name
 * {@code acme/shop} (or {@code group/sub/shop}) on their host; a local {@code file:} mirror is named by its last two
 * directories.
 */
record RepositoryPath(String host, String path) {
    private static final Pattern URL = Pattern.compile("[a-z][a-z0-9+.-]*://(?:[^/@]*@)?([^/:]+)(?::\\d+)?/(.+)");
    private static final Pattern SCP_LIKE = Pattern.compile("(?:[^/@:]+@)?([^/:]+):(?!//)(.+)");

    static RepositoryPath of(String url) {
        String u = url.strip();
        if (u.startsWith("file:")) {
            // A repository on this machine (a mirror of the forge's): its last two directories name it there.
            String[] parts = u.replaceFirst("^file:/*", "").replaceAll("/+$", "").replaceAll("\\.git$", "").split("/");
            if (parts.length < 2) {
                throw new IllegalArgumentException("repository \"" + url + "\" (expected: a path ending in <owner>/<name>)");
            }
            return new RepositoryPath("localhost", parts[parts.length - 2] + "/" + parts[parts.length - 1]);
        }
        Matcher m = URL.matcher(u);
        if (!m.matches()) {
            m = SCP_LIKE.matcher(u);
            if (!m.matches()) {
                throw new IllegalArgumentException("repository \"" + url + "\" (expected: a URL like https://github.com/acme/shop.git)");
            }
        }
        String path = m.group(2).replaceAll("/+$", "");
        if (path.endsWith(".git")) {
            path = path.substring(0, path.length() - 4);
        }
        if (!path.contains("/") || path.startsWith("/") || path.contains("..")) {
            throw new IllegalArgumentException("repository \"" + url + "\" has no owner/name path (expected: a URL like"
                    + " https://github.com/acme/shop.git)");
        }
        return new RepositoryPath(m.group(1).toLowerCase(java.util.Locale.ROOT), path);
    }

    /** For Bitbucket: the workspace (first segment). */
    String owner() {
        return path.substring(0, path.indexOf('/'));
    }

    /** The last segment: the repository's name (slug). */
    String name() {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
