package io.helixstack.source;

import io.helixstack.plugin.api.SourceProvider;
import io.helixstack.plugin.tck.SourceProviderContract;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** GitHub's status API, against a local stand-in of it. */
class GitHubStatusesContractTest extends SourceProviderContract {
    private final ForgeApiStub forge;

    GitHubStatusesContractTest() throws IOException {
        forge = new ForgeApiStub(ForgeApiStub.Kind.GITHUB, "acme/shop", "github-token-0123456789");
    }

    @AfterEach
    void stopForge() {
        forge.close();
    }

    @Override
    protected SourceProvider provider() {
        return new GitHubStatuses(forge.baseUrl());
    }

    @Override
    protected String repository() {
        return "https://github.com/acme/shop.git";
    }

    @Override
    protected String unknownRepository() {
        return "git@github.com:acme/nothing.git";
    }

    @Override
    protected String validToken() {
        return "github-token-0123456789";
    }

    @Override
    protected List<Shown> shown(String sha) {
        return forge.shown(sha);
    }

    @Override
    protected void forgeFailing(boolean failing) {
        forge.failing(failing);
    }
}
