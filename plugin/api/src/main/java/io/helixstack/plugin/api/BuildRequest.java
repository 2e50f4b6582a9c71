package io.helixstack.plugin.api;

import io.helixstack.domain.Source;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/** One build: which application, from what source, with which environment, logging where. */
public record BuildRequest(UUID buildId, String app, Source source, Map<String, String> env, BuildLog log) {
    public BuildRequest {
        Objects.requireNonNull(buildId, "buildId");
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(source, "source");
        env = Map.copyOf(env);
        Objects.requireNonNull(log, "log");
    }
}
