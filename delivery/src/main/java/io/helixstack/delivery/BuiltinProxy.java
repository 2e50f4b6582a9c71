package io.helixstack.delivery;

import com.linecorp.armeria.common.SessionProtocol;
import com.linecorp.armeria.server.Server;
import io.helixstack.plugin.api.DeliveryProvider;
import io.helixstack.plugin.api.Endpoint;
import io.helixstack.plugin.api.Route;
import io.helixstack.plugin.api.RouteTable;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reverse proxy users' traffic goes through: an Armeria server that routes by {@code Host} through an immutable
 * {@link RouteTable} held in one {@link AtomicReference}, so a publish is one {@code set} and every request sees the old
 * table or the new one. Upstream routes are proxied round-robin (WebSockets included), static routes are served from disk.
 *
 * <p>Lifecycle: construct, {@link #start()}, publish tables, {@link #close()}. Routes may be published before start.
 */
public final class BuiltinProxy implements DeliveryProvider, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BuiltinProxy.class);

    private final DeliveryConfig config;
    private final AtomicReference<RouteTable> routes = new AtomicReference<>(RouteTable.empty());
    private final InFlightTracker inFlight = new InFlightTracker();
    private final RouteResolver resolver = new RouteResolver(routes, inFlight);
    private final StaticSiteService sites = new StaticSiteService();
    private final UpstreamClients clients;
    private final ProxyMetrics metrics;
    private final Server server;

    /** A proxy whose request metrics stay in a private registry nobody reads: for tests and embedders without metrics. */
    public BuiltinProxy(DeliveryConfig config) {
        this(config, new SimpleMeterRegistry());
    }

    /** A proxy recording per-deployment request metrics ({@code helix.proxy.*}) into {@code registry}. */
    public BuiltinProxy(DeliveryConfig config, MeterRegistry registry) {
        this(config, new ProxyMetrics(Objects.requireNonNull(registry, "registry")));
    }

    /** A proxy that records no request metrics at all (to measure what recording them costs). */
    public static BuiltinProxy withoutMetrics(DeliveryConfig config) {
        return new BuiltinProxy(config, ProxyMetrics.off());
    }

    private BuiltinProxy(DeliveryConfig config, ProxyMetrics metrics) {
        this.config = Objects.requireNonNull(config, "config");
        this.metrics = metrics;
        this.clients = new UpstreamClients(config);
        HostRoutingService service = new HostRoutingService(resolver, inFlight, new UpstreamProxyService(clients, inFlight),
                new WebSocketProxy(clients), sites, metrics, config.baseDomain());
        this.server = Server.builder()
                .http(new InetSocketAddress(config.bindAddress(), config.port()))
                // Apps set their own Server header if they want one; ours would only advertise the proxy's version.
                .disableServerHeader()
                .route().pathPrefix("/")
                // Bodies stream both ways, so there is no reason to cap their size or to cut long responses (SSE,
                // downloads, WebSockets); the upstream response timeout, if configured, is enforced by the client.
                .requestTimeout(Duration.ZERO)
                .maxRequestLength(0)
                .build(service)
                .build();
    }

    /** Binds the port and returns once the proxy accepts connections. */
    public void start() {
        server.start().join();
        log.atInfo()
                .addKeyValue("address", config.bindAddress())
                .addKeyValue("port", port())
                .addKeyValue("baseDomain", config.baseDomain())
                .log("Proxy listening");
    }

    /** The port actually bound: useful when the configured port is 0. Only valid after {@link #start()}. */
    public int port() {
        return server.activeLocalPort(SessionProtocol.HTTP);
    }

    /** Stops accepting requests, closes open ones and the upstream connection pool. */
    @Override
    public void close() {
        int port = server.activePorts().isEmpty() ? config.port() : port();
        server.stop().join();
        clients.close();
        log.atInfo().addKeyValue("port", port).log("Proxy stopped");
    }

    @Override
    public void publishRoutes(RouteTable table) {
        Objects.requireNonNull(table, "table");
        routes.set(table);
        // Cached per-route state of routes that left is dropped after the swap; a request still on the old table may
        // re-create one, which the next publish drops again.
        resolver.retain(table);
        sites.retain(table);
        metrics.retain(table);
        clients.retain(RouteResolver.endpointsOf(table));
        log.atInfo().addKeyValue("hosts", table.asMap().size()).log("Routes published");
    }

    @Override
    public RouteTable routes() {
        return routes.get();
    }

    @Override
    public boolean drain(Collection<Endpoint> endpoints, Duration timeout) {
        List<Endpoint> waitingFor = List.copyOf(endpoints);
        long started = System.nanoTime();
        boolean drained = inFlight.awaitIdle(waitingFor, timeout);
        log.atInfo()
                .addKeyValue("endpoints", waitingFor)
                .addKeyValue("drained", drained)
                .addKeyValue("waitedMillis", Duration.ofNanos(System.nanoTime() - started).toMillis())
                .log("Drained");
        return drained;
    }

    @Override
    public void purge(String host) {
        Objects.requireNonNull(host, "host");
        if (routes.get().find(host).orElse(null) instanceof Route.Static site) {
            sites.purge(site);
        }
        log.atInfo().addKeyValue("host", host).log("Purged");
    }

    /** Requests and WebSocket sessions now in flight to {@code endpoint}. */
    int inFlight(Endpoint endpoint) {
        return inFlight.inFlight(endpoint);
    }

    int openSites() {
        return sites.openSites();
    }
}
