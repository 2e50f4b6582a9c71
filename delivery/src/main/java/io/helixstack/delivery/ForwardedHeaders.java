package io.helixstack.delivery;

import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpHeaders;
import com.linecorp.armeria.common.HttpHeadersBuilder;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.RequestHeadersBuilder;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ResponseHeadersBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.netty.util.AsciiString;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

/** Headers as they cross the proxy: hop-by-hop ones stop here, {@code X-Forwarded-*} tell the app who really asked. */
final class ForwardedHeaders {
    /** RFC 9110 section 7.6.1, plus the non-standard ones proxies have always dropped. */
    private static final Set<AsciiString> HOP_BY_HOP = Set.of(HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE,
            AsciiString.of("proxy-connection"), HttpHeaderNames.PROXY_AUTHENTICATE, HttpHeaderNames.PROXY_AUTHORIZATION,
            HttpHeaderNames.TE, HttpHeaderNames.TRAILER, HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.UPGRADE);

    /** The WebSocket client makes its own handshake; these belong to the client's handshake with us. */
    private static final Set<AsciiString> WEBSOCKET_HANDSHAKE = Set.of(HttpHeaderNames.SEC_WEBSOCKET_KEY,
            HttpHeaderNames.SEC_WEBSOCKET_VERSION, HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS,
            HttpHeaderNames.SEC_WEBSOCKET_ACCEPT, HttpHeaderNames.CONTENT_LENGTH, HttpHeaderNames.HOST);

    private ForwardedHeaders() {}

    /** The request headers an upstream sees: the client's, minus hop-by-hop ones, plus {@code X-Forwarded-*}. */
    static RequestHeaders toUpstream(ServiceRequestContext ctx, RequestHeaders in) {
        RequestHeadersBuilder out = in.toBuilder();
        stripHopByHop(in, out);
        // The upstream connection has its own scheme; the client's is reported in X-Forwarded-Proto.
        out.remove(HttpHeaderNames.SCHEME);
        addForwarded(ctx, in, out);
        return out.build();
    }

    /** The extra headers of the WebSocket handshake with an upstream, {@code :authority} included to keep the host. */
    static HttpHeaders toWebSocketUpstream(ServiceRequestContext ctx, RequestHeaders in) {
        HttpHeadersBuilder out = HttpHeaders.builder();
        Set<String> nominated = nominatedByConnection(in);
        in.forEach((name, value) -> {
            boolean pseudo = name.length() > 0 && name.charAt(0) == ':';
            if (!pseudo && !HOP_BY_HOP.contains(name) && !WEBSOCKET_HANDSHAKE.contains(name)
                    && !nominated.contains(name.toString())) {
                out.add(name, value);
            }
        });
        // HTTP/1.1 clients send Host, HTTP/2 ones :authority; the upstream gets it as the request's authority either way.
        String authority = in.authority();
        if (authority != null) {
            out.set(HttpHeaderNames.AUTHORITY, authority);
        }
        addForwarded(ctx, in, out);
        return out.build();
    }

    /** The response headers the client sees: the upstream's, minus hop-by-hop ones. */
    static ResponseHeaders toClient(ResponseHeaders in) {
        if (in.names().stream().noneMatch(HOP_BY_HOP::contains)) {
            return in;
        }
        ResponseHeadersBuilder out = in.toBuilder();
        stripHopByHop(in, out);
        return out.build();
    }

    private static void stripHopByHop(HttpHeaders in, HttpHeadersBuilder out) {
        nominatedByConnection(in).forEach(out::remove);
        HOP_BY_HOP.forEach(out::remove);
        // "TE: trailers" is the one end-to-end use of TE (gRPC needs it).
        String te = in.get(HttpHeaderNames.TE);
        if (te != null && te.toLowerCase(Locale.ROOT).contains("trailers")) {
            out.set(HttpHeaderNames.TE, "trailers");
        }
    }

    private static Set<String> nominatedByConnection(HttpHeaders in) {
        String connection = in.get(HttpHeaderNames.CONNECTION);
        if (connection == null) {
            return Set.of();
        }
        return Set.copyOf(Arrays.stream(connection.split(","))
                .map(token -> token.trim().toLowerCase(Locale.ROOT))
                .filter(token -> !token.isEmpty())
                .toList());
    }

    private static void addForwarded(ServiceRequestContext ctx, RequestHeaders in, HttpHeadersBuilder out) {
        String client = ((InetSocketAddress) ctx.remoteAddress()).getAddress().getHostAddress();
        // Append rather than replace: a load balancer in front of us has already written the earlier hops.
        String earlier = in.get(HttpHeaderNames.X_FORWARDED_FOR);
        out.set(HttpHeaderNames.X_FORWARDED_FOR, earlier == null ? client : earlier + ", " + client);
        out.set(HttpHeaderNames.X_FORWARDED_PROTO, ctx.sessionProtocol().isTls() ? "https" : "http");
        String authority = in.authority();
        if (authority != null) {
            out.set(HttpHeaderNames.X_FORWARDED_HOST, authority);
        }
    }
}
