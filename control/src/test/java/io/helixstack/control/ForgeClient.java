package io.helixstack.control;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * Calls the control plane's API as the CLI does (JSON, bearer token) and as each forge does (its headers, a signature
 * over the exact bytes sent, no token).
 */
final class ForgeClient {
    private final HttpClient http = HttpClient.newHttpClient();
    private final IntSupplier port;
    private final String token;

    ForgeClient(IntSupplier port, String token) {
        this.port = port;
        this.token = token;
    }

    HttpResponse<String> github(String body, String event, String deliveryId, String secret) throws IOException, InterruptedException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return send("POST", "/webhooks/github", bytes, List.of("X-GitHub-Event", event, "X-GitHub-Delivery", deliveryId,
                "X-GitHub-Hook-ID", "292430182", "User-Agent", "GitHub-Hookshot/044aadd",
                "X-Hub-Signature-256", WebhookSignatures.sign(bytes, secret)), false);
    }

    HttpResponse<String> gitlab(String body, String event, String eventUuid, String secret) throws IOException, InterruptedException {
        List<String> headers = new ArrayList<>(List.of("X-Gitlab-Event", event, "X-Gitlab-Event-UUID", eventUuid,
                "X-Gitlab-Instance", "https://gitlab.example.com", "User-Agent", "GitLab/17.5.0"));
        if (secret != null) {
            headers.addAll(List.of("X-Gitlab-Token", secret));
        }
        return send("POST", "/webhooks/gitlab", body.getBytes(StandardCharsets.UTF_8), headers, false);
    }

    HttpResponse<String> bitbucket(byte[] body, String eventKey, String requestUuid, String signature) throws IOException, InterruptedException {
        List<String> headers = new ArrayList<>(List.of("X-Event-Key", eventKey, "X-Request-UUID", requestUuid,
                "X-Hook-UUID", "cb0eb3b7-0000-0000-0000-000000000000", "X-Attempt-Number", "1", "User-Agent", "Bitbucket-Webhooks/2.0"));
        if (signature != null) {
            headers.addAll(List.of("X-Hub-Signature", signature));
        }
        return send("POST", "/webhooks/bitbucket", body, headers, false);
    }


    HttpResponse<String> json(String method, String path, String body) throws IOException, InterruptedException {
        return send(method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8), List.of("content-type", "application/json"),
                true);
    }

    HttpResponse<String> send(String method, String path, byte[] body, List<String> headers, boolean withToken)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.getAsInt() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        List<String> all = new ArrayList<>(headers);
        if (body != null && !all.contains("content-type")) {
            all.addAll(List.of("content-type", "application/json"));
        }
        for (int i = 0; i < all.size(); i += 2) {
            if (body != null || !all.get(i).equals("content-type")) {
                b.header(all.get(i), all.get(i + 1));
            }
        }
        if (withToken) {
            b.header("authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
