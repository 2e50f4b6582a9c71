package io.helixstack.plugin.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.helixstack.plugin.api.DeliveryProvider;
import io.helixstack.plugin.api.Endpoint;
import io.helixstack.plugin.api.Route;
import io.helixstack.plugin.api.RouteTable;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class InMemoryDeliveryProviderContractTest extends DeliveryProviderContract {
    @Override
    protected DeliveryProvider createProvider() {
        return new InMemoryDeliveryProvider();
    }

    @Override
    protected AutoCloseable holdRequestTo(String host, Endpoint endpoint) {
        InMemoryDeliveryProvider fake = fake();
        Endpoint picked = fake.begin(host).orElseThrow(() -> new AssertionError("no upstream route for " + host));
        assertThat(picked).isEqualTo(endpoint);
        AtomicBoolean open = new AtomicBoolean(true);
        return () -> {
            if (open.getAndSet(false)) {
                fake.end(picked);
            }
        };
    }

    @Test
    void beginPicksEndpointsRoundRobin() {
        Endpoint a = new Endpoint("127.0.0.1", 3001);
        Endpoint b = new Endpoint("127.0.0.1", 3002);
        fake().publishRoutes(RouteTable.of(Map.of("app.example.test", new Route.Upstreams(UUID.randomUUID(), "app", List.of(a, b)))));

        List<Endpoint> picked = List.of(fake().begin("app.example.test").orElseThrow(),
                fake().begin("APP.example.test:80").orElseThrow(), fake().begin("app.example.test").orElseThrow());

        assertThat(picked).containsExactly(a, b, a);
        assertThat(fake().inFlight(a)).isEqualTo(2);
        assertThat(fake().begin("unknown.example.test")).isEmpty();
    }

    @Test
    void recordsPublishedTablesAndPurges() {
        fake().publishRoutes(RouteTable.empty());
        fake().purge("app.example.test");

        assertThat(fake().published()).containsExactly(RouteTable.empty());
        assertThat(fake().purged()).containsExactly("app.example.test");
    }

    private InMemoryDeliveryProvider fake() {
        return (InMemoryDeliveryProvider) provider();
    }
}
