package io.helixstack.build;

import io.helixstack.domain.TooLargeException;

/**
 * An upload bigger than the limit. A {@link TooLargeException} (so an {@code InvalidInputException}), which the API answers
 * with 413 without knowing the build plane; it carries the limit for callers that want to print it.
 */
public final class UploadTooLargeException extends TooLargeException {
    private final long limitBytes;

    public UploadTooLargeException(long limitBytes) {
        super("upload is larger than the limit of " + limitBytes + " bytes (" + Sizes.human(limitBytes)
                + ") (expected: a .tar.gz of at most " + Sizes.human(limitBytes)
                + "; leave out node_modules, .git and build output)");
        this.limitBytes = limitBytes;
    }

    /** The limit that was exceeded, in bytes. */
    public long limitBytes() {
        return limitBytes;
    }
}
