package io.helixstack.delivery;

import com.linecorp.armeria.client.websocket.WebSocketClientHandshakeException;
import com.linecorp.armeria.client.websocket.WebSocketSession;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.util.Exceptions;
import com.linecorp.armeria.common.websocket.WebSocket;
import com.linecorp.armeria.common.websocket.WebSocketCloseStatus;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.websocket.WebSocketService;
import com.linecorp.armeria.server.websocket.WebSocketUpgradeResult;
import io.helixstack.plugin.api.Endpoint;
import io.helixstack.plugin.api.Route;
import io.netty.util.AttributeKey;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passes WebSocket sessions through: the client's handshake is checked, a session to the upstream is opened with the same
 * path, headers and subprotocols, and only then is the client answered, so an unreachable upstream is a plain 502 and the
 * subprotocol the client gets is the one the app chose. Frames (control frames included) are then piped both ways.
 */
final class WebSocketProxy {
    private static final Logger log = LoggerFactory.getLogger(WebSocketProxy.class);
    private static final AttributeKey<WebSocketSession> UPSTREAM = AttributeKey.valueOf(WebSocketProxy.class, "UPSTREAM");

    private final UpstreamClients clients;
    /** Armeria's handshake and framing; its handler only joins the client's frames to the session opened beforehand. */
    private final WebSocketService protocol = WebSocketService.builder(WebSocketProxy::pipe)
            // Origin policy is the app's business: it sees the forwarded Origin header and decides.
            .allowedOrigins("*")
            .maxFramePayloadLength(UpstreamClients.MAX_WEBSOCKET_FRAME_BYTES)
            .build();

    WebSocketProxy(UpstreamClients clients) {
        this.clients = clients;
    }

    /** The service the server must be bound to, so that it accepts HTTP/1.1 upgrades and HTTP/2 extended CONNECT. */
    WebSocketService protocol() {
        return protocol;
    }

    static boolean isUpgrade(RequestHeaders headers) {
        if (headers.method() == HttpMethod.GET) {
            String upgrade = headers.get(HttpHeaderNames.UPGRADE);
            return upgrade != null && upgrade.equalsIgnoreCase("websocket");
        }
        return headers.method() == HttpMethod.CONNECT && "websocket".equalsIgnoreCase(headers.get(HttpHeaderNames.PROTOCOL));
    }

    HttpResponse serve(ServiceRequestContext ctx, HttpRequest req, Route.Upstreams route, Endpoint endpoint) throws Exception {
        WebSocketUpgradeResult handshake = protocol.protocolHandler().upgrade(ctx, req);
        if (!handshake.isSuccess()) {
            return handshake.fallbackResponse();
        }
        String path = req.path();
        return HttpResponse.of(clients.webSocket(endpoint)
                .connect(path, ForwardedHeaders.toWebSocketUpstream(ctx, req.headers()))
                .handleAsync((session, cause) -> {
                    if (cause != null) {
                        return refused(route, endpoint, req, Exceptions.peel(cause));
                    }
                    if (ctx.isCancelled()) {
                        // The client left while we were connecting: nobody will ever read this session.
                        abandon(session);
                        return HttpResponse.of(HttpStatus.SERVICE_UNAVAILABLE);
                    }
                    ctx.setAttr(UPSTREAM, session);
                    try {
                        Function<ResponseHeaders, ResponseHeaders> subprotocol = h -> withSubprotocol(h, session.subprotocol());
                        // 101 is informational on HTTP/1.1, 200 on HTTP/2: map both kinds.
                        return protocol.serve(ctx, req).mapInformational(subprotocol).mapHeaders(subprotocol);
                    } catch (Exception e) {
                        abandon(session);
                        return HttpResponse.ofFailure(e);
                    }
                }, ctx.eventLoop()));
    }

    private static WebSocket pipe(ServiceRequestContext ctx, WebSocket fromClient) {
        WebSocketSession upstream = ctx.attr(UPSTREAM);
        upstream.setOutbound(fromClient);
        return upstream.inbound();
    }

    /** Closes a session no client will use, so the upstream connection does not linger. */
    private static void abandon(WebSocketSession session) {
        session.inbound().abort();
        try {
            session.outbound().close(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE);
        } catch (IllegalStateException alreadyPiped) {
            // The client's frames already feed it; their end ends it.
        }
    }

    private static HttpResponse refused(Route.Upstreams route, Endpoint endpoint, HttpRequest req, Throwable cause) {
        if (cause instanceof WebSocketClientHandshakeException rejected) {
            // The app answered but said no (401, 404, ...): the client deserves its status, not a 502.
            HttpStatus status = rejected.headers().status();
            return HttpResponse.of(status, MediaType.PLAIN_TEXT_UTF_8, "The app refused the WebSocket upgrade: " + status);
        }
        log.atWarn()
                .addKeyValue("app", route.app())
                .addKeyValue("deployment", route.deploymentId())
                .addKeyValue("endpoint", endpoint)
                .addKeyValue("path", req.path())
                .addKeyValue("cause", cause.toString())
                .log("WebSocket upstream failed");
        return ErrorPages.badGateway(route.app(), req.headers());
    }

    private static ResponseHeaders withSubprotocol(ResponseHeaders headers, String subprotocol) {
        if (subprotocol == null) {
            return headers;
        }
        return headers.toBuilder().set(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL, subprotocol).build();
    }
}
