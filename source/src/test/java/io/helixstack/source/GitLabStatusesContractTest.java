package io.helixstack.source;

import io.helixstack.plugin.api.SourceProvider;
import io.helixstack.plugin.tck.SourceProviderContract;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** GitLab's status API, against a local stand-in of it. */
class GitLabStatusesContractTest extends SourceProviderContract {
    private final ForgeApiStub forge;

    GitLabStatusesContractTest() throws IOException {
        forge = new ForgeApiStub(ForgeApiStub.Kind.GITLAB, "group/sub/shop", "gitlab-token-0123456789");
    }

    @AfterEach
    void stopForge() {
        forge.close();
    }

    @Override
    protected SourceProvider provider() {
        return new GitLabStatuses(forge.baseUrl());
    }

    @Override
    protected String repository() {
        return "https://gitlab.example.com/group/sub/shop.git";
    }

    @Override
    protected String unknownRepository() {
        return "https://gitlab.example.com/group/other.git";
    }

    @Override
    protected String validToken() {
        return "gitlab-token-0123456789";
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
