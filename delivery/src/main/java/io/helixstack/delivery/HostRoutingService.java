package io.helixstack.delivery;

import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.SimpleDecoratingHttpService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one service of the proxy: looks the {@code Host} up in the current table and hands the request to whatever serves
 * it. It decorates the {@link WebSocketProxy}'s Armeria service only so that Armeria sees a WebSocket-capable service
 * and lets upgrade requests reach us.
 */
final class HostRoutingService extends SimpleDecoratingHttpService {
    private static final Logger log = LoggerFactory.getLogger(HostRoutingService.class);

    private final RouteResolver resolver;
    private final InFlightTracker inFlight;
    private final UpstreamProxyService upstreams;
    private final WebSocketProxy webSockets;
    private final StaticSiteService sites;
    private final ProxyMetrics metrics;
    private final String baseDomain;

    HostRoutingService(RouteResolver resolver, InFlightTracker inFlight, UpstreamProxyService upstreams,
            WebSocketProxy webSockets, StaticSiteService sites, ProxyMetrics metrics, String baseDomain) {
        super(webSockets.protocol());
        this.resolver = resolver;
        this.inFlight = inFlight;
        this.upstreams = upstreams;
        this.webSockets = webSockets;
        this.sites = sites;
        this.metrics = metrics;
        this.baseDomain = baseDomain;
    }

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) throws Exception {
        String host = req.headers().authority();
        boolean upgrade = WebSocketProxy.isUpgrade(req.headers());
        return switch (resolver.resolve(host)) {
            case RouteResolver.NotFound notFound -> {
                log.atDebug().addKeyValue("host", host).log("No route");
                metrics.unrouted();
                yield ErrorPages.notFound(host, baseDomain, req.headers());
            }
            case RouteResolver.Site site -> {
                metrics.track(ctx, site.route());
                yield upgrade
                        ? HttpResponse.of(HttpStatus.NOT_FOUND, MediaType.PLAIN_TEXT_UTF_8, "A static site has no WebSocket endpoint.")
                        : sites.serve(ctx, req, site.route());
            }
            case RouteResolver.Proxied proxied -> {
                metrics.track(ctx, proxied.route());
                // The request log completes when both directions are done, or failed, or the WebSocket closed: one end()
                // for every way a request can finish.
                ctx.log().whenComplete().thenRun(() -> inFlight.end(proxied.endpoint()));
                yield upgrade
                        ? webSockets.serve(ctx, req, proxied.route(), proxied.endpoint())
                        : upstreams.serve(ctx, req, proxied.route(), proxied.endpoint());
            }
        };
    }
}
