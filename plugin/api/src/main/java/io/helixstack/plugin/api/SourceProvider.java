package io.helixstack.plugin.api;

/**
 * A forge HelixStack reports back to (seed contract {@code SourceProvider}: {@code report(status)}; webhook verification
 * and parsing live in the control plane's webhook endpoints for now). One implementation per forge API: GitHub's commit
 * statuses, GitLab's commit status, Bitbucket's build status, each with a configurable API base URL (GitHub Enterprise,
 * self-managed GitLab).
 */
public interface SourceProvider {
    /** {@code github}, {@code gitlab} or {@code bitbucket}: the forge whose webhooks name it. */
    String name();

    /**
     * Sets the commit's status for {@code status.context()}, replacing what an earlier report with the same context said.
     *
     * @throws ReportFailedException when the forge did not take it (unreachable, refused the token, unknown repository);
     *                               the message says why, never with the token
     */
    void report(CommitStatus status);

    /** The forge did not accept a status report. {@code retryable} is false when trying again cannot help (401, 404). */
    final class ReportFailedException extends RuntimeException {
        private final boolean retryable;

        public ReportFailedException(String message, boolean retryable) {
            super(message);
            this.retryable = retryable;
        }

        public boolean retryable() {
            return retryable;
        }
    }
}
