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

    UpstreamProxyService(UpstreamClients clients) {
        this.clients = clients;
    }

    HttpResponse serve(ServiceRequestContext ctx, HttpRequest req, Route.Upstreams route, Endpoint endpoint) {
        if (req.method() == HttpMethod.CONNECT) {
            // Only WebSocket may tunnel (handled before we get here); a CONNECT proxy is not what an app expects.
            return HttpResponse.of(HttpStatus.METHOD_NOT_ALLOWED);
        }
        HttpRequest upstreamRequest = req.withHeaders(ForwardedHeaders.toUpstream(ctx, req.headers()));
        return clients.http(endpoint).execute(upstreamRequest)
                .mapHeaders(ForwardedHeaders::toClient)
                // Only failures before the response headers land here: later, the client already has a status line and
                // the stream is simply cut.
                .recover(cause -> {
                    log.atWarn()
                            .addKeyValue("app", route.app())
                            .addKeyValue("deployment", route.deploymentId())
                            .addKeyValue("endpoint", endpoint)
                            .addKeyValue("method", req.method())
                            .addKeyValue("path", ctx.path())
                            .addKeyValue("cause", Exceptions.peel(cause).toString())
                            .log("Upstream failed");
                    return ErrorPages.badGateway(route.app(), req.headers());
                });
    }
}
