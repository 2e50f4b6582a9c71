package io.helixstack.delivery;

import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ResponseHeadersBuilder;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.encoding.EncodingService;
import com.linecorp.armeria.server.file.FileService;
import com.linecorp.armeria.server.file.HttpFile;
import io.helixstack.plugin.api.Route;
import io.helixstack.plugin.api.RouteTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves static deployments from their artifact directory with Armeria's {@link FileService} (ETag, Last-Modified, 304),
 * on-the-fly compression for text types, cache headers from {@link CachePolicy}, and the single-page-app fallback.
 * One site per route is kept, with its small file cache, until the route leaves the table or its host is purged.
 */
final class StaticSiteService {
    private static final Logger log = LoggerFactory.getLogger(StaticSiteService.class);
    /** Bounded per site: with many deployments live, an unbounded cache of each would add up. */
    private static final String ENTRY_CACHE_SPEC = "maximumSize=256,expireAfterAccess=10m";
    private static final int MIN_BYTES_TO_COMPRESS = 1024;

    private record Site(Path realRoot, HttpService service) {}

    private final ConcurrentMap<Route.Static, Site> sites = new ConcurrentHashMap<>();

    HttpResponse serve(ServiceRequestContext ctx, HttpRequest req, Route.Static route) {
        String path = ctx.decodedMappedPath();
        if (!isPlainPath(path)) {
            return notFound();
        }
        Site site = sites.get(route);
        if (site == null) {
            try {
                site = sites.computeIfAbsent(route, StaticSiteService::open);
            } catch (UncheckedIOException missing) {
                log.atWarn().addKeyValue("app", route.app()).addKeyValue("root", route.root())
                        .addKeyValue("cause", missing.getCause().toString()).log("Static site unavailable");
                return ErrorPages.siteUnavailable(route.app(), req.headers());
            }
        }
        Site opened = site;
        // Resolving symlinks touches the disk, so it runs where FileService reads files, off the event loop.
        return HttpResponse.of(CompletableFuture
                .supplyAsync(() -> leavesRoot(opened.realRoot(), path), ctx.blockingTaskExecutor())
                .thenApplyAsync(leaves -> {
                    if (leaves) {
                        return notFound();
                    }
                    try {
                        return opened.service().serve(ctx, req);
                    } catch (Exception e) {
                        return HttpResponse.ofFailure(e);
                    }
                }, ctx.eventLoop()));
    }

    /** Drops the site (and its cached files) of this route; the next request opens it afresh. */
    void purge(Route.Static route) {
        sites.remove(route);
    }

    /** Drops sites whose route left the table. */
    void retain(RouteTable table) {
        Set<Route> live = Set.copyOf(table.asMap().values());
        sites.keySet().removeIf(route -> !live.contains(route));
    }

    int openSites() {
        return sites.size();
    }

    private static Site open(Route.Static route) {
        Path realRoot;
        try {
            realRoot = route.root().toRealPath();
            if (!Files.isDirectory(realRoot)) {
                throw new IOException("not a directory: " + realRoot);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        FileService files = FileService.builder(realRoot).autoIndex(false).entryCacheSpec(ENTRY_CACHE_SPEC).build();
        HttpService content = route.spaFallback() ? files.orElse(spaFallback(realRoot)) : files;
        HttpService compressed = EncodingService.builder()
                .encodableContentTypes(StaticSiteService::compressible)
                .minBytesToForceChunkedEncoding(MIN_BYTES_TO_COMPRESS)
                .build(content);
        return new Site(realRoot, compressed.decorate((delegate, ctx, req) -> {
            String path = ctx.decodedMappedPath();
            return delegate.serve(ctx, req).mapHeaders(headers -> withCaching(headers, path));
        }));
    }

    /** Client-side routes (/dashboard/settings) get the app shell; a missing asset (/app.js) stays a real 404. */
    private static HttpService spaFallback(Path realRoot) {
        HttpService index = HttpFile.of(realRoot.resolve("index.html")).asService();
        return (ctx, req) -> {
            String path = ctx.decodedMappedPath();
            String name = path.substring(path.lastIndexOf('/') + 1);
            return name.contains(".") ? notFound() : index.serve(ctx, req);
        };
    }

    private static ResponseHeaders withCaching(ResponseHeaders headers, String path) {
        HttpStatus status = headers.status();
        if (status != HttpStatus.OK && status != HttpStatus.PARTIAL_CONTENT && status != HttpStatus.NOT_MODIFIED) {
            return headers;
        }
        ResponseHeadersBuilder out = headers.toBuilder()
                .set(HttpHeaderNames.CACHE_CONTROL, CachePolicy.cacheControl(path, headers.contentType()));
        String etag = headers.get(HttpHeaderNames.ETAG);
        // The compressed bytes differ from the file's; a weak tag says "same content", which still matches If-None-Match.
        if (etag != null && !etag.startsWith("W/") && headers.contains(HttpHeaderNames.CONTENT_ENCODING)) {
            out.set(HttpHeaderNames.ETAG, "W/" + etag);
        }
        return out.build();
    }

    static boolean compressible(MediaType type) {
        String subtype = type.subtype();
        return type.type().equals("text") || subtype.equals("javascript") || subtype.equals("json")
                || subtype.endsWith("+json") || subtype.equals("xml") || subtype.endsWith("+xml") || subtype.equals("wasm")
                || type.type().equals("font") && (subtype.equals("ttf") || subtype.equals("otf"));
    }

    /**
     * Armeria has already resolved dot segments; this refuses what could still step outside the root after decoding:
     * encoded slashes, backslashes, NUL, and any leftover {@code ..}.
     */
    static boolean isPlainPath(String path) {
        if (!path.startsWith("/") || path.indexOf('\0') >= 0 || path.indexOf('\\') >= 0
                || path.toLowerCase(Locale.ROOT).contains("%2f")) {
            return false;
        }
        for (String segment : path.split("/")) {
            if (segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    /** True if the path, symlinks followed, ends up outside the root: an artifact must not expose the host's files. */
    private static boolean leavesRoot(Path realRoot, String path) {
        Path target = realRoot.resolve(path.substring(1)).normalize();
        if (!target.startsWith(realRoot)) {
            return true;
        }
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try {
            return !target.toRealPath().startsWith(realRoot);
        } catch (IOException e) {
            return true; // a dangling or unreadable link: nothing to serve
        }
    }

    private static HttpResponse notFound() {
        return HttpResponse.of(HttpStatus.NOT_FOUND, MediaType.PLAIN_TEXT_UTF_8, "404 Not Found");
    }
}
