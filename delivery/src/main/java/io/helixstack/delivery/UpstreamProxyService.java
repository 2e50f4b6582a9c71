package io.helixstack.delivery;

import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.util.Exceptions;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.helixstack.plugin.api.Endpoint;
import io.helixstack.plugin.api.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proxies one HTTP request to an app instance. Nothing is aggregated: the request body streams up and the response streams
 * back as it arrives, so uploads of any size and server-sent events pass straight through.
 */
final class UpstreamProxyService {
    private static final Logger log = LoggerFactory.getLogger(UpstreamProxyService.class);

    private final UpstreamClients clients;
    private final InFlightTracker inFlight;

    UpstreamProxyService(UpstreamClients clients, InFlightTracker inFlight) {
        this.clients = clients;
        this.inFlight = inFlight;
    }

    HttpResponse serve(ServiceRequestContext ctx, HttpRequest req, Route.Upstreams route, Endpoint endpoint) {
        if (req.method() == HttpMethod.CONNECT) {
            // Only WebSocket may tunnel (handled before we get here); a CONNECT proxy is not what an app expects.
            return HttpResponse.of(HttpStatus.METHOD_NOT_ALLOWED);
        }
        return forward(ctx, req.withHeaders(ForwardedHeaders.toUpstream(ctx, req.headers())), route, endpoint,
                java.util.Set.of(endpoint));
    }

    private HttpResponse forward(ServiceRequestContext ctx, HttpRequest upstreamRequest, Route.Upstreams route, Endpoint endpoint,
                                 java.util.Set<Endpoint> tried) {
        return clients.http(endpoint).execute(upstreamRequest)
                .mapHeaders(ForwardedHeaders::toClient)
                // Only failures before the response headers land here: later, the client already has a status line and
                // the stream is simply cut.
                .recover(cause -> {
                    Throwable peeled = Exceptions.peel(cause);
                    java.util.Optional<Endpoint> other = resendable(upstreamRequest, peeled)
                            ? route.endpoints().stream().filter(e -> !tried.contains(e)).findFirst() : java.util.Optional.empty();
                    if (other.isPresent()) {
                        // The instance refused or dropped the connection (it is gone: its runtime stopped, it crashed):
                        // another instance of the route takes the request instead of the client seeing a 502.
                        log.atInfo().addKeyValue("app", route.app()).addKeyValue("endpoint", endpoint)
                                .addKeyValue("instead", other.get()).log("Upstream unreachable; trying another instance");
                        inFlight.begin(other.get());
                        ctx.log().whenComplete().thenRun(() -> inFlight.end(other.get()));
                        java.util.Set<Endpoint> now = new java.util.HashSet<>(tried);
                        now.add(other.get());
                        return forward(ctx, HttpRequest.of(upstreamRequest.headers()), route, other.get(), now);
                    }
                    log.atWarn()
                            .addKeyValue("app", route.app())
                            .addKeyValue("deployment", route.deploymentId())
                            .addKeyValue("endpoint", endpoint)
                            .addKeyValue("method", upstreamRequest.method())
                            .addKeyValue("path", ctx.path())
                            .addKeyValue("cause", peeled.toString())
                            .log("Upstream failed");
                    return ErrorPages.badGateway(route.app(), upstreamRequest.headers());
                });
    }

    /**
     * A request may go to another instance when it carries no body to replay and is safe to send twice (GET, HEAD,
     * OPTIONS), and the first instance failed before answering — refused the connection, or dropped it (its process
     * died) — but not when it was only slow: a request that timed out is not sent again.
     */
    private static boolean resendable(HttpRequest request, Throwable cause) {
        boolean bodiless = request.headers().contentLength() <= 0
                && !request.headers().contains(com.linecorp.armeria.common.HttpHeaderNames.TRANSFER_ENCODING);
        boolean idempotent = request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD
                || request.method() == HttpMethod.OPTIONS;
        return bodiless && idempotent && !(cause instanceof com.linecorp.armeria.client.ResponseTimeoutException);
    }
}
