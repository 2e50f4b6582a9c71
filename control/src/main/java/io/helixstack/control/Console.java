package io.helixstack.control;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.file.FileService;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The web console's built files ({@code console/}, packaged by the helix-console module under
 * {@code io/helixstack/console/} on the classpath), served at the API's origin: {@code /} is its page, {@code /assets/}
 * its scripts and styles. They hold no data (the console signs in with a token and calls the API), so they need no
 * token; a strict Content-Security-Policy keeps the page to its own origin.
 */
final class Console {
    private static final String ROOT = "io/helixstack/console";
    private static final String CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self';"
            + " connect-src 'self'; frame-ancestors 'none'; base-uri 'self'";

    private Console() {
    }

    static boolean isConsolePath(String path) {
        return path.equals("/") || path.equals("/index.html") || path.startsWith("/assets/");
    }

    static void serve(ServerBuilder sb) {
        byte[] index = index();
        sb.service("/", (ctx, req) -> page(index));
        sb.service("/index.html", (ctx, req) -> page(index));
        sb.serviceUnder("/assets/", FileService.builder(Console.class.getClassLoader(), ROOT + "/assets")
                .maxCacheEntries(256)
                // File names carry a content hash: they never change, so they may be cached for good.
                .cacheControl("public, max-age=31536000, immutable")
                .build());
    }

    private static HttpResponse page(byte[] index) {
        if (index == null) {
            return ProblemHandler.problem(HttpStatus.NOT_FOUND,
                    "the console is not part of this build (expected: the helix-console module on the classpath; ./mvnw install builds it)");
        }
        return HttpResponse.of(ResponseHeaders.builder(HttpStatus.OK).contentType(MediaType.HTML_UTF_8)
                .add("content-security-policy", CSP).add("x-content-type-options", "nosniff")
                .add("cache-control", "no-cache").build(), com.linecorp.armeria.common.HttpData.wrap(index));
    }

    private static byte[] index() {
        try (InputStream in = Console.class.getClassLoader().getResourceAsStream(ROOT + "/index.html")) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the console's index.html", e);
        }
    }
}
