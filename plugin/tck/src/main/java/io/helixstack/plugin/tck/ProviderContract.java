package io.helixstack.plugin.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helixstack.plugin.api.Cluster;
import io.helixstack.plugin.api.ClusterRequest;
import io.helixstack.plugin.api.Provider;
import io.helixstack.plugin.api.RuntimeDriver;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What every {@link Provider} does: checked settings, idempotent provisioning, a driver per cluster, idempotent destroy. */
public abstract class ProviderContract {
    protected abstract Provider provider();

    /** Settings {@code register} accepts and {@code provision} can use here. */
    protected abstract Map<String, String> validSettings();

    /** Settings {@code register} must refuse. */
    protected abstract Map<String, String> invalidSettings();

    @Test
    void registerAcceptsGoodSettingsAndRefusesBadOnesSayingWhatIsExpected() {
        assertThat(provider().register(validSettings())).isNotNull();
        assertThatThrownBy(() -> provider().register(invalidSettings())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected");
        assertThat(provider().name()).matches("[a-z0-9-]+");
    }

    @Test
    void provisionIsIdempotentForOneUpgrade() {
        ClusterRequest request = request(UUID.randomUUID());

        Cluster first = provider().provision(request);
        Cluster again = provider().provision(request);

        assertThat(again.id()).isEqualTo(first.id());
        assertThat(first.provider()).isEqualTo(provider().name());
        assertThat(first.backend()).isNotBlank();
    }

    @Test
    void deployGivesARuntimeDriverForTheCluster() {
        Cluster cluster = provider().provision(request(UUID.randomUUID()));

        RuntimeDriver driver = provider().deploy(cluster, new InMemoryObservabilitySink());

        assertThat(driver).isNotNull();
        assertThat(driver.name()).isNotBlank();
    }

    @Test
    void destroyIsIdempotent() {
        Cluster cluster = provider().provision(request(UUID.randomUUID()));

        provider().destroy(cluster);

        assertThatCode(() -> provider().destroy(cluster)).doesNotThrowAnyException();
    }

    private ClusterRequest request(UUID upgradeId) {
        return new ClusterRequest(upgradeId, "shop", null, 1, null, provider().register(validSettings()));
    }
}
