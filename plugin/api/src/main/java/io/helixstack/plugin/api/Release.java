package io.helixstack.plugin.api;

import java.util.Map;

/** How a built source runs: the result of {@link Buildpack#release}. */
public sealed interface Release {
    /** A program started with {@code command} (Procfile syntax), listening on {@code $PORT}. */
    record Server(String command, Map<String, String> env) implements Release {
        public Server {
            env = Map.copyOf(env);
        }
    }

    /** Files served by the proxy from {@code root}, a directory relative to the artifact. */
    record Static(String root) implements Release {
    }

    /** Cannot run; {@code reason} says what is missing and what is expected. */
    record Rejected(String reason) implements Release {
    }
}
