package io.helixstack.control;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How each forge proves a delivery comes from it. Every comparison is constant-time ({@link MessageDigest#isEqual}), so
 * the time an answer takes says nothing about how much of a guessed signature was right.
 */
final class WebhookSignatures {
    private static final String PREFIX = "sha256=";

    private WebhookSignatures() {
    }

    /**
     * GitHub's {@code X-Hub-Signature-256} and Bitbucket Cloud's {@code X-Hub-Signature}: {@code sha256=} and the hex
     * HMAC-SHA256 of the raw body, keyed with the webhook secret.
     */
    static boolean hmacSha256(byte[] rawBody, String header, String secret) {
        if (header == null || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return false;
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(header.substring(PREFIX.length()).strip());
        } catch (IllegalArgumentException notHex) {
            return false;
        }
        return MessageDigest.isEqual(hmac(rawBody, secret), given);
    }

    /** GitLab's {@code X-Gitlab-Token}: the secret itself, not a signature of the body. */
    static boolean sameToken(String header, String secret) {
        if (header == null) {
            return false;
        }
        // Digests first, so the comparison takes as long whatever the given token's length.
        return MessageDigest.isEqual(sha256(header), sha256(secret));
    }

    /** {@code sha256=<hex HMAC-SHA256>}: the header value a forge sends for this body and secret; outgoing alerts use it too. */
    static String sign(byte[] rawBody, String secret) {
        return PREFIX + HexFormat.of().formatHex(hmac(rawBody, secret));
    }

    private static byte[] hmac(byte[] body, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
