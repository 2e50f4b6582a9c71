package io.helixstack.delivery;

import io.helixstack.plugin.api.DeliveryProvider;
import io.helixstack.plugin.api.Endpoint;
import io.helixstack.plugin.api.RouteTable;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;

/**
 * The delivery contract through the delivery plane's RPC: a {@link RemoteDeliveryProvider} calling a {@link DeliveryAgent}
 * in front of a real proxy, with requests held open through that proxy.
 */
class RemoteDeliveryProviderContractTest extends BuiltinProxyContractTest {
    static final String TOKEN = "delivery-token-for-tests-0123456789";

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path tmp;

    @Override
    protected DeliveryProvider createProvider() {
        BuiltinProxy proxy = ProxyTestSupport.startProxy();
        DeliveryAgent agent = new DeliveryAgent(new InetSocketAddress("127.0.0.1", 0), proxy, proxy::port, TOKEN,
                tmp.resolve("routes.json")).start();
        return new Remote(proxy, agent, new RemoteDeliveryProvider(URI.create("http://127.0.0.1:" + agent.port()), TOKEN));
    }

    @Override
    BuiltinProxy proxyOf(DeliveryProvider provider) {
        return ((Remote) provider).proxy();
    }

    /** The client as the control plane sees it, closing the delivery process's parts after it. */
    record Remote(BuiltinProxy proxy, DeliveryAgent agent, RemoteDeliveryProvider client) implements DeliveryProvider, AutoCloseable {
        @Override
        public void publishRoutes(RouteTable table) {
            client.publishRoutes(table);
        }

        @Override
        public RouteTable routes() {
            return client.routes();
        }

        @Override
        public boolean drain(Collection<Endpoint> endpoints, Duration timeout) {
            return client.drain(endpoints, timeout);
        }

        @Override
        public void purge(String host) {
            client.purge(host);
        }

        @Override
        public void close() {
            client.close();
            agent.stop(); // in the background: waiting for Netty's event loops would only slow the suite down
            proxy.close();
        }
    }
}
