package io.helixstack.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helixstack.plugin.api.CommitStatus;
import io.helixstack.plugin.api.SourceProvider;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;

/** The HTTP part every forge's status API shares: send, then sort the answer into done, refused for good, or retry. */
abstract class HttpStatusReporter implements SourceProvider {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int DESCRIPTION_LIMIT = 140;
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    final String apiBase;

    HttpStatusReporter(String apiBase) {
        this.apiBase = Objects.requireNonNull(apiBase, "apiBase").replaceAll("/+$", "");
        URI uri = URI.create(this.apiBase);
        if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("API base URL \"" + apiBase + "\" (expected: an http(s) URL like https://api.github.com)");
        }
    }

    /** The request that sets the status, with the token in the forge's header. */
    abstract HttpRequest.Builder request(CommitStatus status, RepositoryPath repository) throws IOException;

    @Override
    public final void report(CommitStatus status) {
        RepositoryPath repository;
        try {
            repository = RepositoryPath.of(status.repository());
        } catch (IllegalArgumentException e) {
            throw new ReportFailedException(name() + ": " + e.getMessage(), false);
        }
        String where = name() + " (" + apiBase + ") for " + repository.path() + "@" + status.sha().substring(0, Math.min(7, status.sha().length()));
        HttpResponse<String> response;
        try {
            response = http.send(request(status, repository).timeout(TIMEOUT).header("User-Agent", "HelixStack").build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ReportFailedException(where + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReportFailedException(where + ": interrupted", true);
        }
        int code = response.statusCode();
        if (code / 100 == 2) {
            return;
        }
        String said = message(response.body());
        boolean retryable = code == 408 || code == 429 || code >= 500;
        String hint = switch (code) {
            case 401, 403 -> " (expected: an access token allowed to set commit statuses on this repository)";
            case 404 -> " (expected: a repository the access token can see)";
            default -> "";
        };
        // The token went in a header only, and the forge's message is cut short: neither can echo it back in full.
        throw new ReportFailedException(where + ": answered " + code + (said.isEmpty() ? "" : ": " + said) + hint, retryable);
    }

    static String cut(String description) {
        return description.length() <= DESCRIPTION_LIMIT ? description : description.substring(0, DESCRIPTION_LIMIT - 1) + "…";
    }

    static HttpRequest.BodyPublisher json(Object body) throws IOException {
        return HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body));
    }

    private static String message(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            JsonNode m = node == null ? null : node.has("message") ? node.get("message") : node.path("error").path("message");
            String text = m == null || m.isMissingNode() ? "" : m.isTextual() ? m.asText() : m.toString();
            return text.length() > 200 ? text.substring(0, 200) + "…" : text;
        } catch (IOException e) {
            return "";
        }
    }
}
