package io.helixstack.plugin.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.awaitility.Awaitility.await;

import io.helixstack.plugin.api.DeliveryProvider;
import io.helixstack.plugin.api.Endpoint;
import io.helixstack.plugin.api.Route;
import io.helixstack.plugin.api.RouteTable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link DeliveryProvider} does: tables are published whole and read back whole, host lookup ignores port and
 * case, and {@link DeliveryProvider#drain} waits exactly as long as requests are in flight to the endpoints it names.
 * An implementation's test extends this class, builds the provider, and says how to keep one request in flight through it
 * ({@link #holdRequestTo}); the suite watches that request only through {@code drain}, so it runs the same against the
 * built-in proxy and {@link InMemoryDeliveryProvider}.
 */
public abstract class DeliveryProviderContract {
    /** Long enough for a request to be seen in flight on a slow machine; drain waits must beat it by far. */
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private static final Duration SHORT = Duration.ofMillis(300);
    private static final String HOST = "app.example.test";

    private DeliveryProvider provider;
    private final List<AutoCloseable> held = new ArrayList<>();

    /** A new provider with an empty table. Called once per test; the suite closes it if it is {@link AutoCloseable}. */
    protected abstract DeliveryProvider createProvider() throws Exception;

    /**
     * Starts one request for {@code host} through the provider (the host is already routed to {@code endpoint} alone) and
     * keeps it in flight until the returned handle is closed. May return before the provider counts the request: the suite
     * waits for that. Closing twice must be harmless.
     */
    protected abstract AutoCloseable holdRequestTo(String host, Endpoint endpoint) throws Exception;

    /**
     * The {@code index}-th of two endpoints requests can be held to. A real proxy needs servers listening there; a fake does
     * not care.
     */
    protected Endpoint endpoint(int index) {
        return new Endpoint("127.0.0.1", 20_000 + index);
    }

    protected final DeliveryProvider provider() {
        return provider;
    }

    @BeforeEach
    final void createProviderForTest() throws Exception {
        provider = createProvider();
    }

    @AfterEach
    final void closeProvider() throws Exception {
        for (AutoCloseable handle : held) {
            handle.close();
        }
        if (provider instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    @Test
    void startsWithAnEmptyTable() {
        assertThat(provider.routes().asMap()).isEmpty();
    }

    @Test
    void readsBackThePublishedTable() {
        RouteTable table = RouteTable.of(Map.of(HOST, upstreams("app", endpoint(0)), "docs.example.test", site("docs")));

        provider.publishRoutes(table);

        assertThat(provider.routes()).isEqualTo(table);
        assertThat(provider.routes().find(HOST)).contains(table.asMap().get(HOST));
    }

    @Test
    void replacesTheWholeTable() {
        provider.publishRoutes(RouteTable.of(Map.of("a.example.test", site("a"), "b.example.test", site("b"))));

        provider.publishRoutes(RouteTable.of(Map.of("c.example.test", site("c"))));

        assertThat(provider.routes().asMap().keySet()).containsExactly("c.example.test");
        assertThat(provider.routes().find("a.example.test")).isEmpty();
    }

    @Test
    void rejectsANullTable() {
        assertThatNullPointerException().isThrownBy(() -> provider.publishRoutes(null));
    }

    @Test
    void readersNeverSeeHalfATable() throws Exception {
        // Each table routes both hosts to one deployment; a reader that saw two deployments would have seen a mix.
        RouteTable first = twoHostTable(UUID.randomUUID());
        RouteTable second = twoHostTable(UUID.randomUUID());
        provider.publishRoutes(first);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<RouteTable> torn = new AtomicReference<>();
        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
            while (!stop.get()) {
                RouteTable seen = provider.routes();
                UUID one = seen.find("one.example.test").orElseThrow().deploymentId();
                UUID two = seen.find("two.example.test").orElseThrow().deploymentId();
                if (!one.equals(two)) {
                    torn.set(seen);
                }
            }
        });
        for (int i = 0; i < 2_000; i++) {
            provider.publishRoutes(i % 2 == 0 ? second : first);
        }
        stop.set(true);
        reader.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);

        assertThat(torn.get()).isNull();
    }

    @Test
    void hostLookupIgnoresPortAndCase() throws Exception {
        provider.publishRoutes(RouteTable.of(Map.of(HOST, upstreams("app", endpoint(0)))));

        assertThat(provider.routes().find("App.Example.TEST:8080")).isPresent();
        hold("App.Example.TEST:8080", endpoint(0));
        awaitInFlight(endpoint(0));
    }

    @Test
    void drainReturnsAtOnceWhenNothingIsInFlight() {
        provider.publishRoutes(RouteTable.of(Map.of(HOST, upstreams("app", endpoint(0)))));

        long started = System.nanoTime();
        boolean drained = provider.drain(List.of(endpoint(0), endpoint(1)), PATIENCE);

        assertThat(drained).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void drainWaitsForTheRequestInFlight() throws Exception {
        provider.publishRoutes(RouteTable.of(Map.of(HOST, upstreams("app", endpoint(0)))));
        AutoCloseable request = hold(HOST, endpoint(0));
        awaitInFlight(endpoint(0));
        provider.publishRoutes(RouteTable.empty());

        long started = System.nanoTime();
        assertThat(provider.drain(List.of(endpoint(0)), SHORT)).as("drain while a request is in flight").isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(SHORT.minusMillis(10));

        CompletableFuture<Boolean> drain = CompletableFuture.supplyAsync(() -> provider.drain(List.of(endpoint(0)), PATIENCE));
        request.close();

        assertThat(drain.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).as("drain once the request finished").isTrue();
    }

    @Test
    void drainOnlyWaitsForTheEndpointsItNames() throws Exception {
        provider.publishRoutes(RouteTable.of(Map.of(HOST, upstreams("app", endpoint(0)))));
        hold(HOST, endpoint(0));
        awaitInFlight(endpoint(0));

        long started = System.nanoTime();
        assertThat(provider.drain(List.of(endpoint(1)), PATIENCE)).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void purgeIsHarmlessForAnyHost() {
        provider.publishRoutes(RouteTable.of(Map.of("docs.example.test", site("docs"), HOST, upstreams("app", endpoint(0)))));

        assertThatCode(() -> {
            provider.purge("docs.example.test");
            provider.purge(HOST);
            provider.purge("nobody.example.test");
        }).doesNotThrowAnyException();
        assertThat(provider.routes().find("docs.example.test")).isPresent();
    }

    private AutoCloseable hold(String host, Endpoint endpoint) throws Exception {
        AutoCloseable handle = holdRequestTo(host, endpoint);
        held.add(handle);
        return handle;
    }

    private void awaitInFlight(Endpoint endpoint) {
        await("a request in flight to " + endpoint).atMost(PATIENCE)
                .until(() -> !provider.drain(List.of(endpoint), Duration.ZERO));
    }

    private static RouteTable twoHostTable(UUID deployment) {
        Route route = new Route.Static(deployment, "app", Path.of("/srv/helix/none"), false);
        return RouteTable.of(Map.of("one.example.test", route, "two.example.test", route));
    }

    private static Route upstreams(String app, Endpoint endpoint) {
        return new Route.Upstreams(UUID.randomUUID(), app, List.of(endpoint));
    }

    private static Route site(String app) {
        return new Route.Static(UUID.randomUUID(), app, Path.of("/srv/helix/" + app), true);
    }
}
