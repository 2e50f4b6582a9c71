package io.helixstack.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.Server;
import io.helixstack.plugin.api.RouteTable;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the delivery plane as a process adds to the contract: the control plane's table reaches a delivery process that
 * was down or started again (with an empty table), publishing never fails the caller, and a wrong token is refused.
 */
class RemoteDeliveryProviderTest {
    private static final String TOKEN = RemoteDeliveryProviderContractTest.TOKEN;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final ClientFactory clients = ClientFactory.builder().build();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
        clients.close();
    }

    @Test
    void aDeliveryProcessStartedAgainGetsTheLastTableAndServesIt() throws Exception {
        Server app = upstream("v1");
        BuiltinProxy proxy = ProxyTestSupport.startProxy();
        DeliveryAgent agent = new DeliveryAgent(new InetSocketAddress("127.0.0.1", 0), proxy, proxy::port, TOKEN).start();
        int agentPort = agent.port();
        RemoteDeliveryProvider client = client(agentPort);
        assertThat(client.proxyPort()).isEqualTo(proxy.port());
        client.watch(Duration.ofMillis(100));
        RouteTable table = RouteTable.of(java.util.Map.of("app.localhost", ProxyTestSupport.upstreams("app",
                ProxyTestSupport.endpointOf(app))));
        client.publishRoutes(table);
        assertThat(ProxyTestSupport.get(ProxyTestSupport.client(clients, proxy), "app.localhost", "/").contentUtf8()).isEqualTo("v1");

        // The delivery process dies and a new one starts on the same agent port, with an empty table.
        agent.close();
        proxy.close();
        BuiltinProxy again = ProxyTestSupport.startProxy();
        toClose.add(again);
        stopLater(new DeliveryAgent(new InetSocketAddress("127.0.0.1", agentPort), again, again::port, TOKEN).start());

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(again.routes()).isEqualTo(table));
        assertThat(ProxyTestSupport.get(ProxyTestSupport.client(clients, again), "app.localhost", "/").contentUtf8()).isEqualTo("v1");
    }

    @Test
    void aTablePublishedWhileTheDeliveryProcessIsDownReachesItWhenItAnswers() {
        BuiltinProxy proxy = ProxyTestSupport.startProxy();
        toClose.add(proxy);
        DeliveryAgent agent = new DeliveryAgent(new InetSocketAddress("127.0.0.1", 0), proxy, proxy::port, TOKEN).start();
        int agentPort = agent.port();
        RemoteDeliveryProvider client = client(agentPort);
        client.watch(Duration.ofMillis(100));
        agent.close();

        RouteTable table = RouteTable.of(java.util.Map.of("static.localhost", new io.helixstack.plugin.api.Route.Static(
                java.util.UUID.randomUUID(), "static", java.nio.file.Path.of("/srv/helix/static"), true)));
        client.publishRoutes(table); // no exception: the table waits for the delivery process
        assertThat(client.behind()).isTrue();
        assertThat(proxy.routes()).isEqualTo(RouteTable.empty());

        stopLater(new DeliveryAgent(new InetSocketAddress("127.0.0.1", agentPort), proxy, proxy::port, TOKEN).start());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(proxy.routes()).isEqualTo(table));
        await().untilAsserted(() -> assertThat(client.behind()).isFalse());
        assertThat(client.routes()).isEqualTo(table);
    }

    @Test
    void aWrongTokenIsRefusedWithTheReason() {
        BuiltinProxy proxy = ProxyTestSupport.startProxy();
        toClose.add(proxy);
        DeliveryAgent agent = new DeliveryAgent(new InetSocketAddress("127.0.0.1", 0), proxy, proxy::port, TOKEN).start();
        stopLater(agent);

        assertThatIllegalStateException().isThrownBy(() -> new RemoteDeliveryProvider(URI.create("http://127.0.0.1:" + agent.port()),
                        "not-the-delivery-token-0123456789"))
                .withMessageContaining("delivery plane at http://127.0.0.1:" + agent.port() + " (401)")
                .withMessageContaining("wrong delivery token");
    }

    @Test
    void anUnreachableDeliveryPlaneIsNamedAtStart() throws Exception {
        int nothing = ProxyTestSupport.deadEndpoint().port();
        assertThatIllegalStateException().isThrownBy(() -> new RemoteDeliveryProvider(URI.create("http://127.0.0.1:" + nothing), TOKEN))
                .withMessageContaining("delivery plane at http://127.0.0.1:" + nothing + " did not answer hello");
    }

    /** Stopped in the background after the test: waiting for Netty's event loops would only slow the suite down. */
    private void stopLater(DeliveryAgent agent) {
        toClose.add(() -> agent.stop());
    }

    private RemoteDeliveryProvider client(int agentPort) {
        RemoteDeliveryProvider client = new RemoteDeliveryProvider(URI.create("http://127.0.0.1:" + agentPort), TOKEN);
        toClose.add(client);
        return client;
    }

    private Server upstream(String body) {
        Server server = ProxyTestSupport.startUpstream((ctx, req) -> HttpResponse.of(body));
        toClose.add(() -> server.stop().join());
        return server;
    }
}
