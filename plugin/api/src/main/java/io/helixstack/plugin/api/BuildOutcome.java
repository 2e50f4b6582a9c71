package io.helixstack.plugin.api;

import io.helixstack.domain.Source;

/** The result of a build. */
public sealed interface BuildOutcome {
    /** {@code source} is the request's source with what the build resolved (the git commit sha). */
    record Succeeded(Artifact artifact, Source source) implements BuildOutcome {
    }

    record Failed(String reason) implements BuildOutcome {
    }
}
