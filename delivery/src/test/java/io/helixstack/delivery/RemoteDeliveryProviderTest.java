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
    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path tmp;
    private java.nio.file.Path kept;

    @org.junit.jupiter.api.BeforeEach
    void keptFile() {
        kept = tmp.resolve("delivery/routes.json");
    }
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
        DeliveryAgent agent = new DeliveryAgent(new InetSocketAddress("127.0.0.1", 0), proxy, proxy::port, TOKEN, kept).start();
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
        // Its own file: the table must come from the control plane, not from what the first process kept.
        stopLater(new DeliveryAgent(new InetSocketAddress("127.0.0.1", agentPort), again, again::port, TOKEN,
                tmp.resolve("other.json")).start());

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(again.routes()).isEqualTo(table));
        assertThat(ProxyTestSupport.get(ProxyTestSupport.client(clients, again), "app.localhost", "/").contentUtf8()).isEqualTo("v1");
    }

    @Test
    void aTablePublishedWhileTheDeliveryProcessIsDownReachesItWhenItAnswers() {
        BuiltinProxy proxy = ProxyTestSupport.startProxy();
        toClose.add(proxy);
        DeliveryAgent agent = new DeliveryAgent(new InetSocketAddress("127.0.0.1", 0), proxy, proxy::port, TOKEN, kept).start();
        int agentPort = agent.port();
        RemoteDeliveryProvider client = client(agentPort);
        client.watch(Duration.ofMillis(100));
        agent.close();

        RouteTable table = RouteTable.of(java.util.Map.of("static.localhost", new io.helixstack.plugin.api.Route.Static(
                java.util.UUID.randomUUID(), "static", java.nio.file.Path.of("/srv/helix/static"), true)));
        client.publishRoutes(table); // no exception: the table waits for the delivery process
        assertThat(client.behind()).isTrue();
        assertThat(proxy.routes()).isEqualTo(RouteTable.empty());

        stopLater(new DeliveryAgent(new InetSocketAddress("127.0.0.1", agentPort), proxy, proxy::port, TOKEN, kept).start());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(proxy.routes()).isEqualTo(table));
        await().untilAsserted(() -> assertThat(client.behind()).isFalse());
        assertThat(client.routes()).isEqualTo(table);
    }

    @Test
    void aDeliveryProcessStartedAgainServesTheTableItKeptBeforeAnyControlPlaneSendsIt() throws Exception {
        Server app = upstream("kept");
        BuiltinProxy proxy = ProxyTestSupport.startProxy();
        DeliveryAgent agent = new DeliveryAgent(new InetSocketAddress("127.0.0.1", 0), proxy, proxy::port, TOKEN, kept).start();
        RouteTable table = RouteTable.of(java.util.Map.of("app.localhost", ProxyTestSupport.upstreams("app",
                ProxyTestSupport.endpointOf(app)), "site.localhost", new io.helixstack.plugin.api.Route.Static(
                java.util.UUID.randomUUID(), "site", tmp.resolve("site"), true)));
        try (RemoteDeliveryProvider client = new RemoteDeliveryProvider(URI.create("http://127.0.0.1:" + agent.port()), TOKEN)) {
            client.publishRoutes(table);
        }
        agent.close();
        proxy.close();

        BuiltinProxy again = ProxyTestSupport.startProxy();
        toClose.add(again);
        stopLater(new DeliveryAgent(new InetSocketAddress("127.0.0.1", 0), again, again::port, TOKEN, kept).start());

        assertThat(again.routes()).isEqualTo(table);
        assertThat(ProxyTestSupport.get(ProxyTestSupport.client(clients, again), "app.localhost", "/").contentUtf8()).isEqualTo("kept");
    }

    @Test
    void aControlPlaneThatHasPublishedNothingYetLeavesARestartedDeliveryProcessOnItsKeptTable() throws Exception {
        Server app = upstream("kept");
        RouteTable table = RouteTable.of(java.util.Map.of("app.localhost", ProxyTestSupport.upstreams("app",
                ProxyTestSupport.endpointOf(app))));
        BuiltinProxy proxy = ProxyTestSupport.startProxy();
        DeliveryAgent agent = new DeliveryAgent(new InetSocketAddress("127.0.0.1", 0), proxy, proxy::port, TOKEN, kept).start();
        int agentPort = agent.port();
        try (RemoteDeliveryProvider before = new RemoteDeliveryProvider(URI.create("http://127.0.0.1:" + agentPort), TOKEN)) {
            before.publishRoutes(table);
        }
        // A control plane starting again (recovery has not published yet) watches; the delivery process starts again too.
        RemoteDeliveryProvider restarted = client(agentPort);
        restarted.watch(Duration.ofMillis(50));
        agent.close();
        proxy.close();
        BuiltinProxy again = ProxyTestSupport.startProxy();
        toClose.add(again);
        DeliveryAgent againAgent = new DeliveryAgent(new InetSocketAddress("127.0.0.1", agentPort), again, again::port, TOKEN, kept)
                .start();
        stopLater(againAgent);

        // The watch sees the new process (it asked who it is, and ran its restart callback on the next rounds) and sends
        // it nothing: no empty table over the kept one.
        await().atMost(Duration.ofSeconds(10)).until(() -> againAgent.hellos() >= 3);
        assertThat(again.routes()).isEqualTo(table);
        RouteTable next = table.with("new.localhost", ProxyTestSupport.upstreams("new", ProxyTestSupport.endpointOf(app)));
        restarted.publishRoutes(next);
        assertThat(again.routes()).isEqualTo(next);
    }

    @Test
    void aTableArrivingAfterANewerOneFromTheSameControlPlaneIsDropped() {
        BuiltinProxy proxy = ProxyTestSupport.startProxy();
        toClose.add(proxy);
        DeliveryAgent agent = new DeliveryAgent(new InetSocketAddress("127.0.0.1", 0), proxy, proxy::port, TOKEN, kept).start();
        stopLater(agent);
        io.helixstack.agent.AgentClient wire = new io.helixstack.agent.AgentClient(URI.create("http://127.0.0.1:" + agent.port()),
                DeliveryWire.PREFIX, "delivery", TOKEN, DeliveryWire.JSON);
        toClose.add(wire);
        java.util.UUID control = java.util.UUID.randomUUID();
        RouteTable older = RouteTable.of(java.util.Map.of("a.localhost", ProxyTestSupport.upstreams("a",
                new io.helixstack.plugin.api.Endpoint("127.0.0.1", 10001))));
        RouteTable newer = older.with("b.localhost", ProxyTestSupport.upstreams("b", new io.helixstack.plugin.api.Endpoint("127.0.0.1", 10002)));

        wire.call("publish", new DeliveryWire.Publish(newer.asMap(), control, 2), Boolean.class, Duration.ofSeconds(5));
        // The first table, held up on its way (its client timed out and went on): it lands after the second.
        wire.call("publish", new DeliveryWire.Publish(older.asMap(), control, 1), Boolean.class, Duration.ofSeconds(5));
        assertThat(proxy.routes()).isEqualTo(newer);

        // Another control plane (started again) numbers its own tables: its first one is taken.
        wire.call("publish", new DeliveryWire.Publish(older.asMap(), java.util.UUID.randomUUID(), 1), Boolean.class,
                Duration.ofSeconds(5));
        assertThat(proxy.routes()).isEqualTo(older);
    }

    @Test
    void aKeptTableThatDoesNotReadIsSkipped() throws Exception {
        java.nio.file.Files.createDirectories(kept.getParent());
        java.nio.file.Files.writeString(kept, "{\"routes\": {\"app.localhost\": {\"type\": \"teleport\"}}}");
        BuiltinProxy proxy = ProxyTestSupport.startProxy();
        toClose.add(proxy);
        stopLater(new DeliveryAgent(new InetSocketAddress("127.0.0.1", 0), proxy, proxy::port, TOKEN, kept).start());
        assertThat(proxy.routes()).isEqualTo(RouteTable.empty());
    }

    @Test
    void furtherQueriesAreAnsweredAndUnknownOnesNamed() {
        BuiltinProxy proxy = ProxyTestSupport.startProxy();
        toClose.add(proxy);
        DeliveryAgent agent = new DeliveryAgent(new InetSocketAddress("127.0.0.1", 0), proxy, proxy::port, TOKEN, kept,
                java.util.Map.of("echo", args -> java.util.Map.of("app", args.path("app").asText())));
        stopLater(agent.start());
        RemoteDeliveryProvider client = client(agent.port());

        assertThat(client.query("echo", java.util.Map.of("app", "hello"),
                new com.fasterxml.jackson.core.type.TypeReference<java.util.Map<String, String>>() { })).containsEntry("app", "hello");
        assertThatIllegalStateException().isThrownBy(() -> client.query("teleport", null,
                        new com.fasterxml.jackson.core.type.TypeReference<Object>() { }))
                .withMessageEndingWith("(404): unknown delivery operation \"teleport\" (expected: hello, publish, routes, drain,"
                        + " purge or echo)");
    }

    @Test
    void aWrongTokenIsRefusedWithTheReason() {
        BuiltinProxy proxy = ProxyTestSupport.startProxy();
        toClose.add(proxy);
        DeliveryAgent agent = new DeliveryAgent(new InetSocketAddress("127.0.0.1", 0), proxy, proxy::port, TOKEN, kept).start();
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
