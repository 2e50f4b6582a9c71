package io.helixstack.delivery;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.Server;
import io.helixstack.plugin.api.DeliveryProvider;
import io.helixstack.plugin.api.Endpoint;
import io.helixstack.plugin.tck.DeliveryProviderContract;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The built-in proxy against the delivery contract, with requests held open by real upstream servers. */
class BuiltinProxyContractTest extends DeliveryProviderContract {
    /** Responses the holding upstreams owe, by request id; completing one lets its request finish. */
    private static final ConcurrentMap<String, CompletableFuture<HttpResponse>> owed = new ConcurrentHashMap<>();
    private static List<Server> upstreams;
    private static ClientFactory clientFactory;

    @BeforeAll
    static void startUpstreams() {
        upstreams = List.of(startHoldingUpstream(), startHoldingUpstream());
        clientFactory = ClientFactory.builder().build();
    }

    @AfterAll
    static void stopUpstreams() {
        owed.values().forEach(response -> response.complete(HttpResponse.of("released")));
        upstreams.forEach(server -> server.stop().join());
        clientFactory.close();
    }

    @Override
    protected DeliveryProvider createProvider() {
        return ProxyTestSupport.startProxy();
    }

    @Override
    protected Endpoint endpoint(int index) {
        return ProxyTestSupport.endpointOf(upstreams.get(index));
    }

    /** The proxy users' requests go through, behind {@code provider}. */
    BuiltinProxy proxyOf(DeliveryProvider provider) {
        return (BuiltinProxy) provider;
    }

    @Override
    protected AutoCloseable holdRequestTo(String host, Endpoint endpoint) {
        BuiltinProxy proxy = proxyOf(provider());
        String id = UUID.randomUUID().toString();
        // Owed before it is sent, so releasing works even if the upstream has not received the request yet.
        CompletableFuture<HttpResponse> release = owed.computeIfAbsent(id, k -> new CompletableFuture<>());
        CompletableFuture<Void> finished = ProxyTestSupport.client(clientFactory, proxy)
                .execute(RequestHeaders.of(HttpMethod.GET, "/hold/" + id, HttpHeaderNames.AUTHORITY, host))
                .aggregate()
                .thenAccept(response -> {});
        return () -> {
            release.complete(HttpResponse.of("released"));
            finished.get(30, TimeUnit.SECONDS);
        };
    }

    private static Server startHoldingUpstream() {
        return ProxyTestSupport.startUpstream((ctx, req) -> {
            String id = ctx.path().substring("/hold/".length());
            return HttpResponse.of(owed.computeIfAbsent(id, k -> new CompletableFuture<>()));
        });
    }
}
