package io.helixstack.source;

import io.helixstack.plugin.api.SourceProvider;
import io.helixstack.plugin.tck.SourceProviderContract;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** Bitbucket's status API, against a local stand-in of it. */
class BitbucketStatusesContractTest extends SourceProviderContract {
    private final ForgeApiStub forge;

    BitbucketStatusesContractTest() throws IOException {
        forge = new ForgeApiStub(ForgeApiStub.Kind.BITBUCKET, "team/shop", "bitbucket-token-0123456789");
    }

    @AfterEach
    void stopForge() {
        forge.close();
    }

    @Override
    protected SourceProvider provider() {
        return new BitbucketStatuses(forge.baseUrl());
    }

    @Override
    protected String repository() {
        return "https://bitbucket.org/team/shop.git";
    }

    @Override
    protected String unknownRepository() {
        return "https://bitbucket.org/team/nothing";
    }

    @Override
    protected String validToken() {
        return "bitbucket-token-0123456789";
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
