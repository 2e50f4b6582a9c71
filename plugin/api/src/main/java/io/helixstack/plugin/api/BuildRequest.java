package io.helixstack.plugin.api;

import io.helixstack.domain.Source;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * One build: which application, from what source, with which environment, logging where.
 *
 * @param gitAccessToken a token for cloning a private repository, or null; never part of the source or the log
 */
public record BuildRequest(UUID buildId, String app, Source source, Map<String, String> env, BuildLog log, String gitAccessToken) {
    public BuildRequest {
        Objects.requireNonNull(buildId, "buildId");
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(source, "source");
        env = Map.copyOf(env);
        Objects.requireNonNull(log, "log");
    }

    public BuildRequest(UUID buildId, String app, Source source, Map<String, String> env, BuildLog log) {
        this(buildId, app, source, env, log, null);
    }

    /** Without the environment's values and the token: a request may be logged. */
    @Override
    public String toString() {
        return "BuildRequest[" + buildId + ", " + app + ", " + source.describe() + ", env " + env.keySet()
                + (gitAccessToken == null ? "" : ", with an access token") + "]";
    }
}
