package io.helixstack.plugin.api;

/** A buildpack's answer to "is this source yours?". */
public sealed interface Detection {
    /** Yes; {@code description} tells the user what was found, e.g. "Node.js app (npm, package-lock.json)". */
    record Match(String description) implements Detection {
    }

    /** Not this buildpack's. */
    record NoMatch() implements Detection {
    }

    /** This buildpack's kind of source, but it cannot work; {@code reason} says what is missing and what is expected. */
    record Unusable(String reason) implements Detection {
    }
}
