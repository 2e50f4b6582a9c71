package io.helixstack.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import io.helixstack.agent.AgentServer;
import io.helixstack.plugin.api.DeliveryProvider;
import java.io.IOException;
import io.helixstack.plugin.api.RouteTable;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery plane as a process of its own ({@code helix server --planes delivery}): serves its proxy — a
 * {@link DeliveryProvider} — to the control plane, which publishes route tables and waits for drains through
 * {@link RemoteDeliveryProvider}. Every call needs the shared bearer token. The proxy keeps serving the last table it got
 * while the control plane is down or restarting, and the table is kept on disk: a delivery process started again serves
 * it at once, before (or without) a control plane sending it again.
 */
public final class DeliveryAgent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeliveryAgent.class);
    private static final String OPERATIONS = "hello, publish, routes, drain or purge";

    private final DeliveryProvider delivery;
    private final IntSupplier proxyPort;
    private final UUID bootId = UUID.randomUUID();
    private final AgentServer server;
    private final Path kept;
    private final Map<String, Function<JsonNode, Object>> queries;
    private final java.util.concurrent.atomic.AtomicInteger hellos = new java.util.concurrent.atomic.AtomicInteger();
    // Guarded by this: the client and number of the last table published.
    private UUID lastSource;
    private long lastGeneration;

    /**
     * Publishes the table kept in {@code kept} by an earlier delivery process, if any, and keeps every table it is sent there.
     *
     * @param address   where to listen (port 0: any free one)
     * @param proxyPort the port users reach the proxy on, for the control plane's URLs
     * @param token     the bearer token every caller must send
     * @param kept      the file the last table is kept in
     */
    public DeliveryAgent(InetSocketAddress address, DeliveryProvider delivery, IntSupplier proxyPort, String token, Path kept) {
        this(address, delivery, proxyPort, token, kept, Map.of());
    }

    /**
     * As {@link #DeliveryAgent(InetSocketAddress, DeliveryProvider, IntSupplier, String, Path)}, also answering
     * {@code queries}: further read-only operations by name (the proxy's request figures, say), each given its arguments.
     */
    public DeliveryAgent(InetSocketAddress address, DeliveryProvider delivery, IntSupplier proxyPort, String token, Path kept,
                         Map<String, Function<JsonNode, Object>> queries) {
        this.queries = Map.copyOf(queries);
        this.delivery = Objects.requireNonNull(delivery, "delivery");
        this.proxyPort = Objects.requireNonNull(proxyPort, "proxyPort");
        this.kept = Objects.requireNonNull(kept, "kept");
        this.server = new AgentServer(address, DeliveryWire.PREFIX, "delivery", token, DeliveryWire.JSON, this::call);
        restoreKeptTable();
    }

    private void restoreKeptTable() {
        if (!Files.isRegularFile(kept)) {
            return;
        }
        try {
            RouteTable table = DeliveryWire.JSON.readValue(kept.toFile(), DeliveryWire.Table.class).table();
            delivery.publishRoutes(table);
            log.atInfo().addKeyValue("hosts", table.asMap().size()).addKeyValue("file", kept)
                    .log("Serving the routes the delivery plane had before it stopped");
        } catch (IOException | RuntimeException e) {
            // The control plane sends the table again as soon as it sees this process.
            log.atWarn().addKeyValue("file", kept).log("Could not read the routes kept from before: {}", e.getMessage());
        }
    }

    private void keep(RouteTable table) {
        try {
            Files.createDirectories(kept.getParent());
            Path temp = kept.resolveSibling(kept.getFileName() + ".tmp");
            DeliveryWire.JSON.writeValue(temp.toFile(), DeliveryWire.Table.of(table));
            Files.move(temp, kept, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // Serving goes on; only a restart of this process before the control plane is back would miss the table.
            log.atWarn().addKeyValue("file", kept).log("Could not keep the routes on disk: {}", e.getMessage());
        }
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

    /** How often a control plane asked who this is (its watch does every half second). */
    int hellos() {
        return hellos.get();
    }

    private Object call(String op, JsonNode args) throws IOException {
        return switch (op) {
            case DeliveryWire.HELLO -> {
                hellos.incrementAndGet();
                yield new DeliveryWire.Hello("builtin-proxy", bootId, proxyPort.getAsInt());
            }
            case "publish" -> {
                DeliveryWire.Publish publish = server.read(args, DeliveryWire.Publish.class);
                RouteTable table = publish.table();
                synchronized (this) {
                    if (publish.source() != null && publish.source().equals(lastSource) && publish.generation() < lastGeneration) {
                        yield Boolean.TRUE; // older than what this client already published here
                    }
                    lastSource = publish.source();
                    lastGeneration = publish.generation();
                    // In order: the file ends with the table the proxy serves.
                    delivery.publishRoutes(table);
                    keep(table);
                }
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
            default -> {
                Function<JsonNode, Object> query = queries.get(op);
                if (query == null) {
                    throw new AgentServer.UnknownOperation("delivery", op, queries.isEmpty() ? OPERATIONS
                            : OPERATIONS.replace(" or ", ", ") + " or " + String.join(", ", new java.util.TreeSet<>(queries.keySet())));
                }
                yield query.apply(args);
            }
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
