package io.helixstack.delivery;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.EventLoopScheduler;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.client.websocket.WebSocketClient;
import com.linecorp.armeria.common.SessionProtocol;
import com.linecorp.armeria.common.util.ReleasableHolder;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.helixstack.plugin.api.Endpoint;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** One HTTP and one WebSocket client per upstream endpoint, sharing a connection pool. */
final class UpstreamClients implements AutoCloseable {
    /**
     * Below the keep-alive timeout of common app servers (Node's is 5s): if the app closed an idle connection first, the
     * next request could be written into a closing socket and fail.
     */
    static final Duration UPSTREAM_IDLE_TIMEOUT = Duration.ofSeconds(4);
    /** Frames are buffered whole, so there is a limit; apps rarely send more than this in one frame. */
    static final int MAX_WEBSOCKET_FRAME_BYTES = 16 * 1024 * 1024;

    private final ClientFactory factory;
    private final Duration responseTimeout;
    private final ConcurrentMap<Endpoint, WebClient> http = new ConcurrentHashMap<>();
    private final ConcurrentMap<Endpoint, WebSocketClient> webSockets = new ConcurrentHashMap<>();

    UpstreamClients(DeliveryConfig config) {
        this.factory = ClientFactory.builder()
                .connectTimeout(config.connectTimeout())
                .idleTimeout(UPSTREAM_IDLE_TIMEOUT)
                .eventLoopSchedulerFactory(UpstreamClients::sameEventLoopAsTheRequest)
                .build();
        this.responseTimeout = config.upstreamResponseTimeout();
    }

    /** Plain HTTP/1.1 to the instance, as every app server speaks it; no length limit, bodies stream. */
    WebClient http(Endpoint endpoint) {
        return http.computeIfAbsent(endpoint, e -> WebClient.builder(SessionProtocol.H1C, armeria(e))
                .factory(factory)
                .responseTimeout(responseTimeout)
                .maxResponseLength(0)
                .build());
    }

    WebSocketClient webSocket(Endpoint endpoint) {
        return webSockets.computeIfAbsent(endpoint, e -> WebSocketClient.builder(SessionProtocol.H1C, armeria(e))
                .factory(factory)
                .maxFramePayloadLength(MAX_WEBSOCKET_FRAME_BYTES)
                // The client's own Origin is forwarded; inventing one would break the app's same-origin check.
                .autoFillOriginHeader(false)
                .build());
    }

    /**
     * Forgets clients of endpoints that left the table. Requests already using one keep it; pooled connections to a gone
     * endpoint close on the idle timeout.
     */
    void retain(Set<Endpoint> live) {
        http.keySet().retainAll(live);
        webSockets.keySet().retainAll(live);
    }

    @Override
    public void close() {
        factory.close();
    }

    /**
     * Runs each upstream exchange on the event loop of the user's request it serves. Armeria's read throttling
     * (InboundTrafficController in 1.40) is not safe when the stream's producer and consumer are on different event loops:
     * a pause and a resume can cross, leaving the connection paused for good, and a large upload or download through the
     * proxy then hangs. On one event loop both directions are throttled race-free, and no bytes hop threads.
     */
    private static EventLoopScheduler sameEventLoopAsTheRequest(EventLoopGroup group) {
        return (protocol, endpointGroup, endpoint) -> {
            ServiceRequestContext request = ServiceRequestContext.currentOrNull();
            EventLoop loop = request != null ? request.eventLoop().withoutContext() : group.next();
            return new ReleasableHolder<>() {
                @Override
                public EventLoop get() {
                    return loop;
                }

                @Override
                public void release() {}
            };
        };
    }

    private static com.linecorp.armeria.client.Endpoint armeria(Endpoint endpoint) {
        return com.linecorp.armeria.client.Endpoint.of(endpoint.host(), endpoint.port());
    }
}
