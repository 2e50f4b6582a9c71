package io.helixstack.delivery;

import static io.helixstack.delivery.ProxyTestSupport.upstreams;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.websocket.WebSocketClient;
import com.linecorp.armeria.client.websocket.WebSocketClientHandshakeException;
import com.linecorp.armeria.client.websocket.WebSocketSession;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpHeaders;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.SessionProtocol;
import com.linecorp.armeria.common.websocket.CloseWebSocketFrame;
import com.linecorp.armeria.common.websocket.WebSocket;
import com.linecorp.armeria.common.websocket.WebSocketFrame;
import com.linecorp.armeria.common.websocket.WebSocketFrameType;
import com.linecorp.armeria.common.websocket.WebSocketWriter;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.websocket.WebSocketService;
import io.helixstack.plugin.api.Endpoint;
import io.helixstack.plugin.api.RouteTable;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/** WebSocket sessions through the proxy to a real echo server, over HTTP/1.1 upgrade and HTTP/2 extended CONNECT. */
class WebSocketProxyTest {
    private final AtomicReference<RequestHeaders> handshakeSeenByApp = new AtomicReference<>();
    private ClientFactory clientFactory;
    private Server echo;
    private BuiltinProxy proxy;

    @BeforeEach
    void start() {
        clientFactory = ClientFactory.builder().build();
        echo = ProxyTestSupport.startUpstream(WebSocketService.builder((ctx, in) -> {
                    handshakeSeenByApp.set(ctx.request().headers());
                    return echo(in);
                })
                .subprotocols("chat.v2")
                .allowedOrigins("http://chat.localhost")
                .build());
        proxy = ProxyTestSupport.startProxy();
    }

    @AfterEach
    void stop() {
        CompletableFuture.allOf(echo.stop(), CompletableFuture.runAsync(proxy::close)).join();
        clientFactory.close();
    }

    @ParameterizedTest
    @EnumSource(value = SessionProtocol.class, names = {"H1C", "H2C"})
    void echoesThroughTheProxy(SessionProtocol protocol) throws Exception {
        Endpoint app = ProxyTestSupport.endpointOf(echo);
        proxy.publishRoutes(RouteTable.of(Map.of("chat.localhost", upstreams("chat", app))));

        WebSocketSession session = connect(protocol, "chat.localhost", "/socket?room=7").join();
        BlockingQueue<String> received = collectText(session.inbound());
        WebSocketWriter out = session.outbound();
        out.write("hello");
        out.write("world");

        assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("echo: hello");
        assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("echo: world");
        assertThat(session.subprotocol()).isEqualTo("chat.v2");
        RequestHeaders seen = handshakeSeenByApp.get();
        assertThat(seen.get(HttpHeaderNames.PATH)).isEqualTo("/socket?room=7");
        assertThat(seen.authority()).isEqualTo("chat.localhost");
        assertThat(seen.get(HttpHeaderNames.X_FORWARDED_FOR)).isEqualTo("127.0.0.1");
        assertThat(seen.get(HttpHeaderNames.ORIGIN)).isEqualTo("http://chat.localhost");
        assertThat(proxy.inFlight(app)).as("an open session counts as in flight").isEqualTo(1);

        out.close();
        await("the session to close").atMost(Duration.ofSeconds(10)).until(() -> session.inbound().isComplete());
        await("the proxy to count it finished").atMost(Duration.ofSeconds(10)).until(() -> proxy.inFlight(app) == 0);
    }

    @Test
    void answers502WhenTheUpstreamIsDown() throws Exception {
        proxy.publishRoutes(RouteTable.of(Map.of("chat.localhost", upstreams("chat", ProxyTestSupport.deadEndpoint()))));

        assertThatThrownBy(() -> connect(SessionProtocol.H1C, "chat.localhost", "/socket").join())
                .isInstanceOf(CompletionException.class)
                .cause()
                .isInstanceOfSatisfying(WebSocketClientHandshakeException.class,
                        e -> assertThat(e.headers().status()).isEqualTo(HttpStatus.BAD_GATEWAY));
    }

    @Test
    void passesTheAppsRefusalThrough() {
        proxy.publishRoutes(RouteTable.of(Map.of("chat.localhost", upstreams("chat", ProxyTestSupport.endpointOf(echo)))));

        // The echo app only accepts its own origin.
        assertThatThrownBy(() -> connect(SessionProtocol.H1C, "chat.localhost", "/socket", "http://evil.example").join())
                .cause()
                .isInstanceOfSatisfying(WebSocketClientHandshakeException.class,
                        e -> assertThat(e.headers().status()).isEqualTo(HttpStatus.FORBIDDEN));
    }

    private CompletableFuture<WebSocketSession> connect(SessionProtocol protocol, String host, String path) {
        return connect(protocol, host, path, "http://chat.localhost");
    }

    private CompletableFuture<WebSocketSession> connect(
            SessionProtocol protocol, String host, String path, String origin) {
        WebSocketClient client = WebSocketClient.builder(protocol, com.linecorp.armeria.client.Endpoint.of("127.0.0.1", proxy.port()))
                .factory(clientFactory)
                .subprotocols("chat.v2", "chat.v1")
                .autoFillOriginHeader(false)
                .build();
        return client.connect(path, HttpHeaders.of(HttpHeaderNames.AUTHORITY, host, HttpHeaderNames.ORIGIN, origin));
    }

    /** Echoes text frames with a prefix and closes when the client closes. */
    private static WebSocket echo(WebSocket in) {
        WebSocketWriter out = WebSocket.streaming();
        in.subscribe(new Subscriber<WebSocketFrame>() {
            @Override
            public void onSubscribe(Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(WebSocketFrame frame) {
                try (frame) {
                    switch (frame.type()) {
                        case TEXT -> out.write("echo: " + frame.text());
                        case CLOSE -> out.close(((CloseWebSocketFrame) frame).status());
                        default -> { }
                    }
                }
            }

            @Override
            public void onError(Throwable t) {
                out.close(t);
            }

            @Override
            public void onComplete() {
                out.close();
            }
        });
        return out;
    }

    private static BlockingQueue<String> collectText(WebSocket inbound) {
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        inbound.subscribe(new Subscriber<WebSocketFrame>() {
            @Override
            public void onSubscribe(Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(WebSocketFrame frame) {
                try (frame) {
                    if (frame.type() == WebSocketFrameType.TEXT) {
                        received.add(frame.text());
                    }
                }
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onComplete() {}
        });
        return received;
    }
}
