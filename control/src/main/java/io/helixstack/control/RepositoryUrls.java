package io.helixstack.control;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The key two spellings of one repository share, so a webhook's payload URL finds the application linked to it:
 * {@code https://GitHub.com/acme/shop.git/}, {@code git@github.com:acme/shop} and {@code ssh://git@github.com:22/acme/shop}
 * are all {@code github.com/acme/shop}. Scheme, user, port, a trailing {@code .git} and slashes do not count.
 */
final class RepositoryUrls {
    private static final Pattern USER_INFO = Pattern.compile("(?<=://)[^/@]+@");
    private static final Pattern SCP_LIKE = Pattern.compile("(?:[\\w.-]+@)?([\\w.-]+):(?!//)(.+)");

    private RepositoryUrls() {
    }

    /** The key of a repository URL, or empty when it is not one (a forge's payload may hold anything). */
    static Optional<String> key(String url) {
        if (url == null || url.isBlank()) {
            return Optional.empty();
        }
        String u = url.strip();
        String host;
        String path;
        if (u.contains("://") || u.startsWith("file:")) {
            URI uri;
            try {
                uri = new URI(u);
            } catch (URISyntaxException e) {
                return Optional.empty();
            }
            host = uri.getHost() == null ? "" : uri.getHost();
            path = uri.getPath();
        } else {
            Matcher m = SCP_LIKE.matcher(u);
            if (!m.matches()) {
                return Optional.empty();
            }
            host = m.group(1);
            path = m.group(2);
        }
        if (path == null) {
            return Optional.empty();
        }
        path = trim(path);
        if (path.isEmpty()) {
            return Optional.empty();
        }
        // The path is compared without case too: forges treat owner/repo case-insensitively and users type either
        // spelling. A false match costs nothing, because the delivery must still verify with that application's secret.
        return Optional.of((host + "/" + path).toLowerCase(Locale.ROOT));
    }

    /** A URL fit for a message or a log: {@code https://user:token@host/…} loses its credentials. */
    static String redact(String url) {
        return USER_INFO.matcher(url).replaceAll("***@");
    }

    private static String trim(String path) {
        String p = path;
        boolean changed = true;
        while (changed) {
            changed = false;
            while (p.startsWith("/")) {
                p = p.substring(1);
                changed = true;
            }
            while (p.endsWith("/")) {
                p = p.substring(0, p.length() - 1);
                changed = true;
            }
            if (p.endsWith(".git")) {
                p = p.substring(0, p.length() - 4);
                changed = true;
            }
        }
        return p;
    }
}
