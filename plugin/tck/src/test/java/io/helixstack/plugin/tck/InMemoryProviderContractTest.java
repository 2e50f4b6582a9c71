package io.helixstack.plugin.tck;

import io.helixstack.plugin.api.Provider;
import java.util.Map;

class InMemoryProviderContractTest extends ProviderContract {
    private final InMemoryProvider provider = new InMemoryProvider();

    @Override
    protected Provider provider() {
        return provider;
    }

    @Override
    protected Map<String, String> validSettings() {
        return Map.of("token", "t0k3n");
    }

    @Override
    protected Map<String, String> invalidSettings() {
        return Map.of("tokn", "t0k3n");
    }
}
