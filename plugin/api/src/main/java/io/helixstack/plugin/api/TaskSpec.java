package io.helixstack.plugin.api;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * A command run once to completion beside a deployment's instances, e.g. its release command (migrations) before
 * promotion. It runs from the same artifact with the same kind of environment an instance gets, but listens on nothing.
 *
 * @param name    what the task is, e.g. {@code release}; names its log source
 * @param timeout the task is killed once it has run this long
 */
public record TaskSpec(UUID deploymentId, String app, String name, Artifact artifact, String command, Map<String, String> env,
                       Duration timeout, Resources resources) {
    public TaskSpec {
        Objects.requireNonNull(deploymentId, "deploymentId");
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(artifact, "artifact");
        Objects.requireNonNull(command, "command");
        env = Map.copyOf(env);
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(resources, "resources");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("task timeout: " + timeout + " (expected: positive)");
        }
    }
}
