package io.helixstack.cli;

/**
 * A failure the CLI explains in one line: unreachable server, missing token, unreadable directory, a deployment that
 * failed. The message is complete as is: {@link HelixCli} prints it after {@code helix: } and exits with 1.
 */
class CliException extends RuntimeException {
    CliException(String message) {
        super(message);
    }

    CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
