package io.helixstack.build;

/**
 * A source that could not be put in place (clone failed, unknown ref, missing upload, link escaping the tree). Checked and
 * internal to the build plane: {@link LocalBuildService} turns it into a {@code BuildOutcome.Failed} with this message.
 */
final class FetchFailedException extends Exception {
    FetchFailedException(String message) {
        super(message);
    }
}
