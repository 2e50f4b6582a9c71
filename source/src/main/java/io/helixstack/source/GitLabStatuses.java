package io.helixstack.source;

import io.helixstack.plugin.api.CommitStatus;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * GitLab's commit status: {@code POST /api/v4/projects/{url-encoded path}/statuses/{sha}} with {@code state} running,
 * success or failed, {@code name} (the context), {@code target_url} and {@code description}; a token with the {@code api}
 * scope in {@code PRIVATE-TOKEN}. The base is {@code https://gitlab.com} or a self-managed instance's URL.
 */
public final class GitLabStatuses extends HttpStatusReporter {
    public static final String DEFAULT_API = "https://gitlab.com";

    public GitLabStatuses(String apiBase) {
        super(apiBase);
    }

    @Override
    public String name() {
        return "gitlab";
    }

    @Override
    HttpRequest.Builder request(CommitStatus status, RepositoryPath repository) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("state", switch (status.state()) {
            case PENDING -> "running";
            case SUCCESS -> "success";
            case FAILURE -> "failed";
        });
        body.put("name", status.context());
        body.put("description", cut(status.description()));
        if (status.targetUrl() != null) {
            body.put("target_url", status.targetUrl());
        }
        String project = URLEncoder.encode(repository.path(), StandardCharsets.UTF_8);
        return HttpRequest.newBuilder(URI.create(apiBase + "/api/v4/projects/" + project + "/statuses/" + status.sha()))
                .header("PRIVATE-TOKEN", status.accessToken())
                .header("Content-Type", "application/json")
                .POST(json(body));
    }
}
