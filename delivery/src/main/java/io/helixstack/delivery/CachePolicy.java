package io.helixstack.delivery;

import com.linecorp.armeria.common.MediaType;
import java.util.regex.Pattern;

/** How long browsers may keep a static file, decided from its name: the build's content hashes make that safe. */
final class CachePolicy {
    /** HTML names the current assets, so it must be revalidated (cheaply, by ETag) on every load. */
    static final String REVALIDATE = "public, max-age=0, must-revalidate";
    /** A file whose name carries its content hash never changes: a new build gives it a new name. */
    static final String IMMUTABLE = "public, max-age=31536000, immutable";
    /** Other assets (favicon.ico, logo.png) may change on the next deploy: kept briefly, then revalidated by ETag. */
    static final String SHORT = "public, max-age=300";

    /**
     * One dot- or dash-separated part of the file name, 8 to 64 letters, digits or underscores, with at least one of each
     * of letters and digits: {@code app.3f2a1b9c.js}, {@code main.3f2a1b9c.chunk.js}, {@code index-BxY7z3kQ.js}.
     * Requiring both keeps words ({@code illustration.png}) and dates ({@code report-20240101.pdf}) out.
     */
    private static final Pattern HASH = Pattern.compile("(?=[A-Za-z0-9_]*[0-9])(?=[A-Za-z0-9_]*[A-Za-z])[A-Za-z0-9_]{8,64}");

    private CachePolicy() {}

    static String cacheControl(String path, MediaType contentType) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        int extension = name.lastIndexOf('.');
        if (extension > 0 && hasContentHash(name.substring(0, extension))) {
            return IMMUTABLE;
        }
        boolean html = contentType != null ? "text".equals(contentType.type()) && "html".equals(contentType.subtype())
                // A 304 has no content type; no extension means a directory index or the SPA fallback, both HTML.
                : extension < 0 || name.endsWith(".html") || name.endsWith(".htm");
        return html ? REVALIDATE : SHORT;
    }

    /** @param stem the file name without its extension */
    static boolean hasContentHash(String stem) {
        String[] parts = stem.split("[.-]");
        // The first part is the asset's own name (app in app.3f2a1b9c), never its hash.
        for (int i = 1; i < parts.length; i++) {
            if (HASH.matcher(parts[i]).matches()) {
                return true;
            }
        }
        return false;
    }
}
