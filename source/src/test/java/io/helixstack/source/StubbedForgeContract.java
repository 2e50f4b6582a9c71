package io.helixstack.source;

import io.helixstack.plugin.api.SourceProvider;
import io.helixstack.plugin.tck.SourceProviderContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;

/** The contract against a local stand-in of one forge's status API; subclasses name the forge and its repositories. */
abstract class StubbedForgeContract extends SourceProviderContract {
    private final ForgeApiStub forge;
    private final Function<String, SourceProvider> provider;
    private final String repository;
    private final String unknownRepository;
    private final String token;

    StubbedForgeContract(ForgeApiStub.Kind kind, String repository, String path, String unknownRepository,
                         Function<String, SourceProvider> provider) {
        this.token = kind.name().toLowerCase(java.util.Locale.ROOT) + "-token-0123456789";
        try {
            this.forge = new ForgeApiStub(kind, path, token);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.provider = provider;
        this.repository = repository;
        this.unknownRepository = unknownRepository;
    }

    @AfterEach
    void stopForge() {
        forge.close();
    }

    @Override
    protected SourceProvider provider() {
        return provider.apply(forge.baseUrl());
    }

    @Override
    protected String repository() {
        return repository;
    }

    @Override
    protected String unknownRepository() {
        return unknownRepository;
    }

    @Override
    protected String validToken() {
        return token;
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
