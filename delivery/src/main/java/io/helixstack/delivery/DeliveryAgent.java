package io.helixstack.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import io.helixstack.agent.AgentServer;
import io.helixstack.plugin.api.DeliveryProvider;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery plane as a process of its own ({@code helix server --planes delivery}): serves its proxy — a
 * {@link DeliveryProvider} — to the control plane, which publishes route tables and waits for drains through
 * {@link RemoteDeliveryProvider}. Every call needs the shared bearer token. The proxy keeps serving the last table it got
 * while the control plane is down or restarting.
 */
public final class DeliveryAgent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeliveryAgent.class);
    private static final String OPERATIONS = "hello, publish, routes, drain or purge";

    private final DeliveryProvider delivery;
    private final IntSupplier proxyPort;
    private final UUID bootId = UUID.randomUUID();
    private final AgentServer server;

    /**
     * @param address   where to listen (port 0: any free one)
     * @param proxyPort the port users reach the proxy on, for the control plane's URLs
     * @param token     the bearer token every caller must send
     */
    public DeliveryAgent(InetSocketAddress address, DeliveryProvider delivery, IntSupplier proxyPort, String token) {
        this.delivery = Objects.requireNonNull(delivery, "delivery");
        this.proxyPort = Objects.requireNonNull(proxyPort, "proxyPort");
        this.server = new AgentServer(address, DeliveryWire.PREFIX, "delivery", token, DeliveryWire.JSON, this::call);
    }

    public DeliveryAgent start() {
        server.start();
        log.atInfo().addKeyValue("port", port()).addKeyValue("proxyPort", proxyPort.getAsInt()).addKeyValue("boot", bootId)
                .log("Delivery agent listening");
        return this;
    }

    public int port() {
        return server.port();
    }

    private Object call(String op, JsonNode args) throws IOException {
        return switch (op) {
            case DeliveryWire.HELLO -> new DeliveryWire.Hello("builtin-proxy", bootId, proxyPort.getAsInt());
            case "publish" -> {
                delivery.publishRoutes(server.read(args, DeliveryWire.Table.class).table());
                yield Boolean.TRUE;
            }
            case "routes" -> DeliveryWire.Table.of(delivery.routes());
            case "drain" -> {
                DeliveryWire.Drain d = server.read(args, DeliveryWire.Drain.class);
                if (d.endpoints() == null || d.timeoutMillis() < 0) {
                    throw new IllegalArgumentException("endpoints and timeoutMillis (expected: a list and a duration >= 0 ms)");
                }
                yield delivery.drain(d.endpoints(), Duration.ofMillis(d.timeoutMillis()));
            }
            case "purge" -> {
                String host = server.read(args, DeliveryWire.Purge.class).host();
                if (host == null || host.isBlank()) {
                    throw new IllegalArgumentException("host: missing (expected: the host whose cached files to forget)");
                }
                delivery.purge(host);
                yield Boolean.TRUE;
            }
            default -> throw new AgentServer.UnknownOperation("delivery", op, OPERATIONS);
        };
    }

    /** Stops serving; the proxy is the caller's to close. */
    @Override
    public void close() {
        server.close();
    }

    /** Stops serving, in the background: the port closes at once, Netty's event loops wind down for a couple of seconds. */
    public java.util.concurrent.CompletableFuture<Void> stop() {
        return server.stop();
    }
}
