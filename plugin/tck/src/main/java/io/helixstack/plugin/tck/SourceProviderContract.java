package io.helixstack.plugin.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helixstack.plugin.api.CommitStatus;
import io.helixstack.plugin.api.CommitStatus.State;
import io.helixstack.plugin.api.SourceProvider;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every {@link SourceProvider} must do, read back from the forge it reports to (a stand-in of the forge's API in
 * the test, or the fake's memory): the latest report per context is what the forge shows, a refused token or an unknown
 * repository fails for good without the token in the message, an unreachable forge fails retryably.
 */
public abstract class SourceProviderContract {
    /** What the forge shows for one context of a commit. */
    public record Shown(String context, State state, String targetUrl, String description) {
    }

    protected static final String SHA = "9fceb02d0ae598e95dc970b74767f19372d61af8";

    /** A provider that reports to the test's forge. */
    protected abstract SourceProvider provider();

    /** A repository the forge knows, as a user would link it. */
    protected abstract String repository();

    /** A repository the forge does not know. */
    protected abstract String unknownRepository();

    /** A token the forge accepts for {@link #repository()}. */
    protected abstract String validToken();

    /** What the forge now shows for the commit, one entry per context, in no particular order. */
    protected abstract List<Shown> shown(String sha);

    /** Makes the forge answer every request with a server error ({@code true}) or normally again. */
    protected abstract void forgeFailing(boolean failing);

    private CommitStatus status(State state, String context, String url, String description) {
        return new CommitStatus(repository(), SHA, state, context, url, description, validToken());
    }

    @Test
    void theLatestReportOfAContextIsWhatTheForgeShows() {
        SourceProvider provider = provider();
        provider.report(status(State.PENDING, "helixstack/production", null, "Deploying main/3"));
        provider.report(status(State.SUCCESS, "helixstack/production", "http://shop.example.com", "main/3 is live"));

        assertThat(shown(SHA)).containsExactly(new Shown("helixstack/production", State.SUCCESS, "http://shop.example.com",
                "main/3 is live"));
    }

    @Test
    void contextsAreKeptApart() {
        SourceProvider provider = provider();
        provider.report(status(State.SUCCESS, "helixstack/production", "http://shop.example.com", "main/3 is live"));
        provider.report(status(State.FAILURE, "helixstack/preview", "http://pr-7.shop.example.com", "build failed"));

        assertThat(shown(SHA)).containsExactlyInAnyOrder(
                new Shown("helixstack/production", State.SUCCESS, "http://shop.example.com", "main/3 is live"),
                new Shown("helixstack/preview", State.FAILURE, "http://pr-7.shop.example.com", "build failed"));
    }

    @Test
    void aLongDescriptionIsCutToWhatForgesTake() {
        provider().report(status(State.FAILURE, "helixstack/production", null, "x".repeat(500)));

        assertThat(shown(SHA)).singleElement().satisfies(s -> {
            assertThat(s.state()).isEqualTo(State.FAILURE);
            assertThat(s.description()).hasSizeLessThanOrEqualTo(140).startsWith("xxxx");
        });
    }

    @Test
    void aRefusedTokenFailsForGoodAndTheMessageNeverShowsIt() {
        String wrong = "wrong-token-" + "s3cr3t".repeat(4);
        CommitStatus refused = new CommitStatus(repository(), SHA, State.PENDING, "helixstack/production", null, "Deploying", wrong);

        assertThatThrownBy(() -> provider().report(refused)).isInstanceOfSatisfying(SourceProvider.ReportFailedException.class, e -> {
            assertThat(e.retryable()).isFalse();
            assertThat(e.getMessage()).doesNotContain(wrong).doesNotContain(validToken()).isNotBlank();
        });
        assertThat(shown(SHA)).isEmpty();
    }

    @Test
    void anUnknownRepositoryFailsForGood() {
        CommitStatus unknown = new CommitStatus(unknownRepository(), SHA, State.PENDING, "helixstack/production", null,
                "Deploying", validToken());

        assertThatThrownBy(() -> provider().report(unknown)).isInstanceOfSatisfying(SourceProvider.ReportFailedException.class,
                e -> assertThat(e.retryable()).isFalse());
    }

    @Test
    void aFailingForgeIsWorthRetrying() {
        forgeFailing(true);
        try {
            assertThatThrownBy(() -> provider().report(status(State.PENDING, "helixstack/production", null, "Deploying")))
                    .isInstanceOfSatisfying(SourceProvider.ReportFailedException.class, e -> assertThat(e.retryable()).isTrue());
        } finally {
            forgeFailing(false);
        }
        provider().report(status(State.PENDING, "helixstack/production", null, "Deploying"));
        assertThat(shown(SHA)).extracting(Shown::state).containsExactly(State.PENDING);
    }
}
