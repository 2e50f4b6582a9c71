package io.helixstack.runtime;

import io.helixstack.plugin.api.Instance;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** GETs against an instance, the way the proxy would reach it. */
final class TestHttp {
    private static final HttpClient HTTP = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();

    private TestHttp() {
    }

    static String get(Instance instance, String pathAndQuery) {
        URI uri = URI.create("http://" + instance.endpoint() + pathAndQuery);
        try {
            return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new AssertionError("GET " + uri + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** For requests that make the app exit before it answers. */
    static void getIgnoringFailure(Instance instance, String path) {
        try {
            get(instance, path);
        } catch (AssertionError expected) {
            // The connection dies with the app.
        }
    }

    static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
