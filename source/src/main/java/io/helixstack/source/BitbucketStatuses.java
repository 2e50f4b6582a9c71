package io.helixstack.source;

import io.helixstack.plugin.api.CommitStatus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Bitbucket Cloud's build status: {@code POST /2.0/repositories/{workspace}/{repo}/commit/{sha}/statuses/build} with
 * {@code key} (the context), {@code state} INPROGRESS, SUCCESSFUL or FAILED, {@code name}, {@code url} (required: the
 * repository's page when there is no deployment URL yet) and {@code description}; an access token as a bearer token.
 */
public final class BitbucketStatuses extends HttpStatusReporter {
    public static final String DEFAULT_API = "https://api.bitbucket.org";

    public BitbucketStatuses(String apiBase) {
        super(apiBase);
    }

    @Override
    public String name() {
        return "bitbucket";
    }

    @Override
    HttpRequest.Builder request(CommitStatus status, RepositoryPath repository) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("key", status.context().length() > 40 ? status.context().substring(0, 40) : status.context());
        body.put("state", switch (status.state()) {
            case PENDING -> "INPROGRESS";
            case SUCCESS -> "SUCCESSFUL";
            case FAILURE -> "FAILED";
        });
        body.put("name", status.context());
        body.put("url", status.targetUrl() != null ? status.targetUrl() : "https://bitbucket.org/" + repository.path());
        body.put("description", cut(status.description()));
        return HttpRequest.newBuilder(URI.create(apiBase + "/2.0/repositories/" + repository.owner() + "/" + repository.name()
                        + "/commit/" + status.sha() + "/statuses/build"))
                .header("Authorization", "Bearer " + status.accessToken())
                .header("Content-Type", "application/json")
                .POST(json(body));
    }
}
