package io.helixstack.control;

import io.helixstack.store.Store;
import java.net.URI;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Signed, expiring download URLs of artifacts ({@code /artifacts/<sha256>.tar.gz?expires=…&signature=…}): what an exported
 * compose file or a cluster's pods fetch an artifact with, no token needed. The signature is an HMAC derived from the
 * platform key over the digest and the expiry.
 */
public final class ArtifactLinks {
    private final Store store;
    private final Clock clock;

    public ArtifactLinks(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** A URL under {@code baseUrl} (the API as the downloader reaches it) valid for {@code lifetime}. */
    public URI signed(String baseUrl, String digest, Duration lifetime) {
        String hex = hex(digest);
        long expires = clock.instant().plus(lifetime).getEpochSecond();
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        return URI.create(base + "/artifacts/" + hex + ".tar.gz?expires=" + expires + "&signature=" + signature(hex, expires));
    }

    /** Whether the signature is the one for this digest and expiry; says nothing about the expiry itself. */
    boolean genuine(String hex, long expires, String signature) {
        return MessageDigest.isEqual(signature(hex, expires).getBytes(), signature.getBytes());
    }

    boolean expired(long expires) {
        return clock.instant().isAfter(Instant.ofEpochSecond(expires));
    }

    private String signature(String hex, long expires) {
        return HexFormat.of().formatHex(store.derive("artifact-url:" + hex + ":" + expires));
    }

    static String hex(String digest) {
        return digest.startsWith("sha256:") ? digest.substring("sha256:".length()) : digest;
    }
}
