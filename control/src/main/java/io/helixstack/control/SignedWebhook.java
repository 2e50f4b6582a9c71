package io.helixstack.control;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * An outgoing webhook, signed the way GitHub signs its own: {@code X-Helix-Signature-256: sha256=<hex HMAC-SHA256 of the
 * raw body>} with the receiver's secret, plus {@code X-Helix-Event} and {@code X-Helix-Delivery} (stable across retries,
 * so a receiver can drop duplicates). Alerts and deployment notifications go out through it.
 */
final class SignedWebhook {
    /** The outcome of one delivery attempt: {@code delivered}, or {@code failed: …}. */
    record Outcome(boolean delivered, String text) {
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER).build();

    private SignedWebhook() {
    }

    static Outcome post(String url, String secret, String event, String deliveryId, byte[] body) {
        try {
            HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "HelixStack-Hookshot")
                    .header("X-Helix-Event", event)
                    .header("X-Helix-Delivery", deliveryId)
                    .header("X-Helix-Signature-256", WebhookSignatures.sign(body, secret))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() / 100 == 2 ? new Outcome(true, "delivered")
                    : new Outcome(false, "failed: the webhook answered " + r.statusCode());
        } catch (IOException e) {
            return new Outcome(false, "failed: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(false, "failed: interrupted");
        }
    }

    /** A webhook URL as given by a user: see {@link #httpUrl}. */
    static String validUrl(String field, String value) {
        return httpUrl(field, value, "https://hooks.example.com/helix");
    }

    /**
     * A URL the platform will call, as given by a user: http(s), a host, no credentials, at most 2048 characters; the
     * error names the field and shows {@code example}.
     */
    static String httpUrl(String field, String value, String example) {
        String expected = "(expected: an http(s) URL without credentials, e.g. " + example + ")";
        if (value == null || value.isBlank()) {
            throw new io.helixstack.domain.InvalidInputException(field + ": missing " + expected);
        }
        try {
            URI uri = new URI(value.strip());
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getUserInfo() == null && value.length() <= 2048) {
                return uri.toString();
            }
        } catch (java.net.URISyntaxException ignored) {
            // reported below
        }
        throw new io.helixstack.domain.InvalidInputException(field + ": \"" + value + "\" " + expected);
    }
}
