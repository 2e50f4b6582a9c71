package io.helixstack.source;

import io.helixstack.plugin.api.CommitStatus;
import java.net.URI;
import java.net.http.HttpRequest;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * GitHub's commit statuses: {@code POST /repos/{owner}/{repo}/statuses/{sha}} with {@code state} pending, success or
 * failure, {@code context}, {@code target_url} and {@code description}; a fine-grained or classic token with
 * "Commit statuses: write". The API base is {@code https://api.github.com}, or {@code https://<host>/api/v3} for
 * GitHub Enterprise Server.
 */
public final class GitHubStatuses extends HttpStatusReporter {
    public static final String DEFAULT_API = "https://api.github.com";

    public GitHubStatuses(String apiBase) {
        super(apiBase);
    }

    @Override
    public String name() {
        return "github";
    }

    @Override
    HttpRequest.Builder request(CommitStatus status, RepositoryPath repository) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("state", switch (status.state()) {
            case PENDING -> "pending";
            case SUCCESS -> "success";
            case FAILURE -> "failure";
        });
        body.put("context", status.context());
        body.put("description", cut(status.description()));
        if (status.targetUrl() != null) {
            body.put("target_url", status.targetUrl());
        }
        return HttpRequest.newBuilder(URI.create(apiBase + "/repos/" + repository.path() + "/statuses/" + status.sha()))
                .header("Authorization", "Bearer " + status.accessToken())
                .header("Accept", "application/vnd.github+json")
                .header("X-GitHub-Api-Version", "2022-11-28")
                .header("Content-Type", "application/json")
                .POST(json(body));
    }
}
