package io.helixstack.plugin.tck;

import io.helixstack.plugin.api.SourceProvider;
import java.util.List;

class InMemorySourceProviderContractTest extends SourceProviderContract {
    private final InMemorySourceProvider forge = new InMemorySourceProvider("memory")
            .withRepository("https://forge.example.com/acme/shop.git", "good-token");

    @Override
    protected SourceProvider provider() {
        return forge;
    }

    @Override
    protected String repository() {
        return "https://forge.example.com/acme/shop.git";
    }

    @Override
    protected String unknownRepository() {
        return "https://forge.example.com/acme/nothing.git";
    }

    @Override
    protected String validToken() {
        return "good-token";
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
